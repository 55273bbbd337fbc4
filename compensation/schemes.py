"""The subsidy schemes, one entry each: everything the product knows about a scheme.

The allocator (`compensation.allocate.allocate`), the pipeline (which schemes a run
computes, which one it is compared with, when it needs one county budget), the payslip
explanations, the command's `--scheme` option, the scenario lever `subsidy.scheme` and the
app's forms are all read from `SCHEMES`. A new scheme is a function `(teachers,
budget_fen, policy) -> Allocation` in `compensation/allocate.py` and one entry below, plus
its labels `scen.scheme.<name>` and `ui.scen.scheme.<name>` in `i18n/tables/`
(tests/test_compensation_schemes.py fails while any of these is missing).

Entries are listed from today's practice to the most elaborate: a run's main scheme is
the last one it computed. No heavy imports here: the command line builds its options from
this module at start-up; the allocator is imported when a scheme is first used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from compensation.errors import CompensationError

if TYPE_CHECKING:
    import pandas as pd

    from compensation.allocate import Allocation
    from compensation.policy import Policy


@dataclass(frozen=True)
class Scheme:
    name: str  # the key in policies, scenario files, stored runs and `--scheme`
    allocator: str  # the function in compensation/allocate.py that splits the budget
    quality: bool  # pay follows the quality score (the payslip says why)
    county_pool: bool  # needs one county budget: its rules compare schools' locations
    computed_with: tuple[str, ...] = ()  # also computed, for the comparison and payroll
    note_zh: str = ""  # said after the name in the command's --scheme help
    note_en: str = ""

    def allocate(self, teachers: pd.DataFrame, budget_fen: int, policy: Policy) -> Allocation:
        from compensation import allocate

        return getattr(allocate, self.allocator)(teachers, budget_fen, policy)


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        # (a) today's practice: one rate per class hour for everyone.
        Scheme("hour_only", "hour_only", quality=False, county_pool=False),
        # (b) a guaranteed hourly part plus a pool split by hours x quality multiplier.
        Scheme(
            "quality",
            "quality_weighted",
            quality=True,
            county_pool=False,
            computed_with=("hour_only",),
        ),
        # (c) as close to (b) as floors, caps and county rules (village >= town) allow.
        Scheme(
            "lp",
            "lp_allocate",
            quality=True,
            county_pool=True,
            computed_with=("hour_only", "quality"),
            note_zh="全县线性规划",
            note_en="county LP rules",
        ),
    )
}
NAMES: tuple[str, ...] = tuple(SCHEMES)
BASELINE = "hour_only"  # today's practice: every other scheme is compared with it
DEFAULT = "quality"  # the main scheme of a subsidy run unless told otherwise


def scheme(name: str) -> Scheme:
    """The entry for `name`; an unknown name is an error listing the known ones."""
    try:
        return SCHEMES[name]
    except KeyError:
        raise CompensationError(
            "comp.scheme.unknown", scheme=name, allowed=" / ".join(NAMES)
        ) from None


def run_schemes(main: str) -> tuple[str, ...]:
    """What a run whose main scheme is `main` computes: the schemes it is compared with,
    then itself. A name that is compared with nothing (the baseline, an unknown name)
    stands for the default."""
    entry = SCHEMES.get(main)
    if entry is None or not entry.computed_with:
        entry = SCHEMES[DEFAULT]
    return (*entry.computed_with, entry.name)


def main_scheme(names: Iterable[str]) -> str:
    """The main scheme among those computed: the last one in `SCHEMES` order."""
    present = [n for n in NAMES if n in set(names)]
    return present[-1] if present else DEFAULT


def compared(names: Iterable[str]) -> tuple[str, str] | None:
    """(baseline, main) when a run computed both, else None."""
    names = list(names)
    main = main_scheme(names)
    if BASELINE in names and main != BASELINE and main in names:
        return BASELINE, main
    return None


def county_pool(names: Iterable[str]) -> bool:
    """Whether any of the schemes needs one county budget."""
    return any(SCHEMES[n].county_pool for n in names if n in SCHEMES)


def main_choices() -> tuple[str, ...]:
    """The schemes a subsidy run can have as its main one (those compared with another)."""
    return tuple(n for n, s in SCHEMES.items() if s.computed_with)


def scheme_help() -> str:
    """The command's --scheme help, e.g. 'quality 或 lp（全县线性规划）/ quality or lp (…)'."""
    entries = [SCHEMES[n] for n in main_choices()]
    zh = " 或 ".join(s.name + (f"（{s.note_zh}）" if s.note_zh else "") for s in entries)
    en = " or ".join(s.name + (f" ({s.note_en})" if s.note_en else "") for s in entries)
    space = "" if zh.endswith("）") else " "  # a full-width bracket brings its own space
    return f"{zh}{space}/ {en}"
