"""Realistic sample club choices for a school with clubs (the sample data hook).

Assumptions (no survey data): the students who stay after school (`basic_students`) are
the pool, of whom 70-95 % sign up, but no more than 1.1-1.5 times the clubs' seats (per
club a student may join): clubs are oversubscribed, not hopeless. Each lists 3 to 5 clubs
open to their grade; about 5 % are priority students (fee waiver, last term's lottery
losers). Popularity is skewed: about a fifth of the clubs are "hot", drawing first choices
of about three times their seats; the rest share the other first choices in proportion to
their seats times a random appeal. Later choices follow the same popularity. Club grade
ranges come from the sample generator's catalogue when the club is one of its kinds.
"""

from __future__ import annotations

import random
from dataclasses import replace

from choices.instance import seats_of
from domain.school import Activity, Choice, School

HOT_SHARE = 0.2  # share of clubs that are hot
HOT_FACTOR = 3.0  # first choices of a hot club per seat
PRIORITY_SHARE = 0.05
SIGN_UP = (0.70, 0.95)
OVERSUBSCRIBED = (1.1, 1.5)
CHOICES_PER_STUDENT = ((3, 0.6), (4, 0.25), (5, 0.15))


def is_club(activity: Activity) -> bool:
    """A club students choose: not self-study, not a whole-class activity."""
    return activity.category != "self_study" and not activity.groups


def catalogue_grades(activity: Activity) -> tuple[int, int] | None:
    """The grade range of the sample catalogue's club kind of this name, if any."""
    from samplegen.catalog import CLUBS

    kinds = {k.name: k.grades for k in CLUBS}
    return kinds.get(activity.name.split("（")[0])


def with_catalogue_grades(school: School) -> School:
    """Clubs without a grade range get their catalogue kind's range."""
    out = []
    for a in school.activities:
        grades = catalogue_grades(a) if is_club(a) else None
        if grades and a.min_grade is None and a.max_grade is None:
            a = replace(a, min_grade=grades[0], max_grade=grades[1])
        out.append(a)
    return replace(school, activities=tuple(out))


def _students(
    school: School, seats: int, rng: random.Random, share: float | None
) -> list[tuple[str, str]]:
    """(student_id, group_id) of the students who sign up: those of the enrolments sheet
    when it names students, else drawn per class (`share` of each class when given)."""
    named = sorted({(e.student_id, e.group_id) for e in school.enrolments if e.group_id})
    if named:
        return named
    if share is None:
        pool = sum(g.basic_students for g in school.groups) or 1
        cap = seats * rng.uniform(*OVERSUBSCRIBED) / max(1, school.info.max_clubs_per_student)
        share = min(rng.uniform(*SIGN_UP), cap / pool)
    out = []
    for g in school.groups:
        count = round(g.basic_students * share)
        out += [(f"{g.group_id}{k:02d}", g.group_id) for k in range(1, count + 1)]
    return out


def _popularity(clubs: list[Activity], seats: dict[str, int], students: int, rng) -> dict:
    """Weight of each club among first choices: hot clubs draw HOT_FACTOR x their seats."""
    order = sorted(clubs, key=lambda a: a.activity_id)
    hot_count = max(1, round(HOT_SHARE * len(order)))
    hot = set(a.activity_id for a in rng.sample(order, min(hot_count, len(order))))
    share = {a: HOT_FACTOR * seats[a] / max(1, students) for a in hot}
    total_hot = sum(share.values())
    if total_hot > 0.6:  # few students for many seats: keep the others some demand
        share = {a: s * 0.6 / total_hot for a, s in share.items()}
        total_hot = 0.6
    appeal = {
        a.activity_id: seats[a.activity_id] * rng.uniform(0.4, 1.0)
        for a in order
        if a.activity_id not in hot
    }
    rest = sum(appeal.values()) or 1.0
    weights = dict(share)
    weights.update({a: (1 - total_hot) * v / rest for a, v in appeal.items()})
    return {a: max(w, 1e-6) for a, w in weights.items()}


def _count(rng: random.Random) -> int:
    roll, acc = rng.random(), 0.0
    for n, p in CHOICES_PER_STUDENT:
        acc += p
        if roll < acc:
            return n
    return CHOICES_PER_STUDENT[-1][0]


def sample_choices(
    school: School, seed: int, *, grades: bool = True, share: float | None = None
) -> School:
    """The school with a `choices` sheet drawn with the seed (and, with `grades`, its
    clubs' catalogue grade ranges). `share`: this share of every class signs up, instead
    of the drawn one. A school without clubs is returned unchanged."""
    rng = random.Random(f"choices-sample:{school.school_id}:{seed}")
    if grades:
        school = with_catalogue_grades(school)
    clubs = [a for a in school.activities if is_club(a)]
    if not clubs:
        return school
    seats = {a.activity_id: seats_of(school, a) or a.enrolled or 30 for a in clubs}
    students = _students(school, sum(seats.values()), rng, share)
    weights = _popularity(clubs, seats, len(students), rng)
    rows: list[Choice] = []
    for sid, gid in students:
        group = school.group_by_id.get(gid)
        open_ = [a.activity_id for a in clubs if group is None or a.admits(group.grade)]
        if not open_:
            continue
        priority = rng.random() < PRIORITY_SHARE
        picked: list[str] = []
        for _ in range(min(_count(rng), len(open_))):
            left = [a for a in open_ if a not in picked]
            picked.append(rng.choices(left, weights=[weights[a] for a in left])[0])
        rows += [Choice(sid, gid, aid, rank, priority) for rank, aid in enumerate(picked, 1)]
    return replace(school, choices=tuple(rows))
