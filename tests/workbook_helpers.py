"""Hand-built schools for the workbook tests and the broken-workbook corpus."""

from __future__ import annotations

from domain.school import (
    Activity,
    Enrolment,
    Group,
    Lock,
    Room,
    School,
    SchoolInfo,
    Slot,
    Teacher,
)


def base_school() -> School:
    """A small school using every sheet, that validates with no problem at all."""
    return School(
        info=SchoolInfo("0042", "城关第一小学", "primary", "town", 40),
        slots=(
            Slot("M1", 1, "15:30", "16:30", "basic"),
            Slot("M2", 1, "16:40", "17:40", "extended"),
            Slot("W2", 3, "16:40", "17:40", "extended"),
            Slot("F1", 5, "15:30", "16:30", "any"),
        ),
        teachers=(
            Teacher("007", "王芳", ("美术", "数学"), 5, 1, ("F1",), True, "101", False),
            Teacher("T2", "李强", ("篮球",), 4, 2, (), True, "F12", False),
            Teacher("T3", "Zhang Wei", (), 3, 1, (), True, None, True),
        ),
        groups=(
            Group("101", (1,), 42, ("M1", "F1"), 30),
            Group("F12", (1, 2), 18, ("M1",), 18),
        ),
        activities=(
            Activity("A1", "美术社", "arts", "美术", 1, None, 1, "art", ("M2",), "007", ()),
            Activity("A2", "篮球队", "sports", "篮球", 2, None, 1, "gym", (), None, ()),
            Activity("A3", "阅读", "academic", None, 1, 25, 2, None, (), None, ("101",)),
        ),
        rooms=(
            Room("R101", "一(1)班教室", "classroom", 45, "101"),
            Room("ART", "美术室", "art", 30, None),
            Room("GYM", "风雨操场", "gym", 80, None),
            Room("DANCE", "舞蹈室", "舞蹈室", 25, None),
        ),
        enrolments=(
            Enrolment("S001", "A2", "101"),
            Enrolment("S002", "A2", "F12"),
            Enrolment("S003", "A1", "101"),
        ),
        locks=(
            Lock("A2", 1, "M2", "GYM", "T2"),
            Lock("basic:101", None, "F1", None, None),
            Lock("basic:F12", 1, None, "R101", None),
        ),
    )


def tiny_school() -> School:
    """The least a school can be: required sheets only, defaults everywhere."""
    return School(
        info=SchoolInfo("7", "村小"),
        slots=(Slot("1", 2, "08:05", "09:00"),),
        teachers=(Teacher("1", "赵老师"),),
    )
