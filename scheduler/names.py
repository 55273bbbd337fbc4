"""How people name things in messages: a slot ("周三第2节"), an activity or a class's basic
care ("一(1)班基础托管"), in Chinese and English. The explanations and the penalty list use
the same words for the same thing."""

from __future__ import annotations

from dataclasses import dataclass

from domain.school import DAY_NAMES_EN, School, parse_basic_activity_id
from workbook.spec import DAY_NAMES_ZH


@dataclass(frozen=True)
class Bilingual:
    """A parameter that reads differently in each language (a slot's name, say)."""

    zh: str
    en: str


def localise(value: object, lang: str) -> object:
    if isinstance(value, Bilingual):
        return value.en if lang == "en" else value.zh
    return value


def slot_name(school: School, slot_id: str) -> Bilingual:
    """ "周三第2节" / "Wed period 2": how people name a slot."""
    slot = school.slot_by_id[slot_id]
    same_day = sorted((s for s in school.slots if s.day == slot.day), key=lambda s: s.order)
    period = [s.slot_id for s in same_day].index(slot_id) + 1
    return Bilingual(
        f"{DAY_NAMES_ZH[slot.day - 1]}第{period}节", f"{DAY_NAMES_EN[slot.day - 1]} period {period}"
    )


def activity_label(school: School, activity_id: str) -> Bilingual | str:
    """An activity's name, or "一(1)班基础托管" / "basic care of class 一(1)"."""
    gid = parse_basic_activity_id(activity_id)
    if gid is not None:
        return Bilingual(f"{gid}班基础托管", f"basic care of class {gid}")
    activity = school.activity_by_id.get(activity_id)
    return activity.name if activity else activity_id
