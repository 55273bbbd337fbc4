"""A scenario: the county's levers as one validated, immutable value, read from TOML.

Every table and key of the TOML file maps to one field below; keys left out keep their
documented default (docs/scenarios.md lists each lever, what it does and its source).
Unknown keys and bad values are errors that name the key, in Chinese and English, and
every problem is collected before raising.

Levers that change a school's week (service, participation, high_school, rotation) go
into the scheduler's input and so into the cache key; money levers (fees, subsidy, term)
are applied afterwards to the cached schedules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compensation import schemes
from compensation.policy import Term
from domain.problems import Problems
from i18n import both

STAGES = ("primary", "junior", "high")  # service stages: a nine-year school has two
SCHOOL_STAGES = ("primary", "junior", "nine_year", "high")
LOCATIONS = ("urban", "town", "village")
MODES = ("rate", "fees")  # the money pool: compensation's budget_mode
SCHEMES = schemes.NAMES  # compensation's allocation schemes (compensation/schemes.py)
PRESETS_DIR = Path(__file__).resolve().parent / "presets"
SELF_STUDY_PRESETS_YUAN = (20.0, 35.0, 50.0)  # anecdote / midpoint / Shandong floor


def _fees() -> dict[str, dict[str, float]]:
    # Shandong 2022 maxima: rural (village) 3.0, other schools 3.5 元 per student-hour.
    # High-school self-study: no fee today (seed 000: high schools have no service).
    compulsory = {"urban": 3.5, "town": 3.5, "village": 3.0}
    return {
        "primary": dict(compulsory),
        "junior": dict(compulsory),
        "high": {"urban": 0.0, "town": 0.0, "village": 0.0},
    }


@dataclass(frozen=True)
class SolverSettings:
    """Scheduler settings per school (part of the cache key)."""

    time_limit: float = 10.0  # seconds per school
    first_solution: bool = False  # stop at the first plan (faster, may leave more unstaffed)
    seed: int = 0
    greedy: bool = True  # try a greedy complete plan first; CP-SAT where it fails

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Scenario:
    scenario_id: str = "scenario"
    name_zh: str = "方案"
    name_en: str = "Scenario"
    description_zh: str = ""
    description_en: str = ""
    # [service]
    stages: tuple[str, ...] = ("primary", "junior")
    days: int = 5
    periods: int = 2
    # [participation]
    students: dict[str, float] | None = None  # stage -> share in basic care; None: as written
    teachers: float | None = None  # share of internal teachers opting in; None: as written
    # [high_school]
    self_study_per_week: int = 0  # target per class when "high" is in stages
    self_study_rate_yuan: float = 0.0  # 元 per self-study session and teacher
    # [rotation]
    rotation_share: float = 0.0  # share of junior-school teachers moved to high schools
    # [fees]
    fee_per_student_hour_yuan: dict[str, dict[str, float]] = field(default_factory=_fees)
    waiver_share: dict[str, float] = field(
        default_factory=lambda: {"urban": 0.03, "town": 0.05, "village": 0.08}
    )
    public_topup_per_student_yuan: float = 0.0  # per enrolled pupil and term
    # [subsidy]: compensation/'s scheme and policy (docs/compensation.md)
    scheme: str = schemes.BASELINE  # hour_only (today's practice) / quality / lp
    mode: str = "rate"  # the pool: rate (base rate x hours + allowances) / fees
    base_rate_yuan: float = 50.0  # per class hour (课时) of basic and extended service
    class_hour_minutes: int = 45
    teacher_share: float = 0.9
    floor_per_hour_yuan: float = 35.0  # the county tops the pool up to these floors
    cap_per_hour_yuan: float = 80.0  # pay above the caps is not paid out
    quality_pool_share: float = 0.3  # quality / lp: share of the hourly money at stake
    village_allowance_per_hour_yuan: float = 7.0
    weekend_allowance_per_hour_yuan: float = 30.0
    # [term]
    term: Term = field(default_factory=lambda: Term.default("2025-autumn"))
    # [solver]
    solver: SolverSettings = field(default_factory=SolverSettings)

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh

    def student_share(self, stage: str) -> float | None:
        return None if self.students is None else self.students.get(stage)

    def fee(self, stage: str, location: str) -> float:
        return self.fee_per_student_hour_yuan.get(stage, {}).get(location, 0.0)


class ScenarioError(Exception):
    """Invalid scenario: every problem, each naming its key, in both languages."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        lines = [both("scen.invalid", count=len(self.problems.errors))]
        lines += [p.render() for p in self.problems.errors]
        return "\n".join(lines)


# TOML layout: table -> {key: field name}
LAYOUT: dict[str, dict[str, str]] = {
    "scenario": {
        "id": "scenario_id",
        "name_zh": "name_zh",
        "name_en": "name_en",
        "description_zh": "description_zh",
        "description_en": "description_en",
    },
    "service": {"stages": "stages", "days": "days", "periods": "periods"},
    "participation": {"students": "students", "teachers": "teachers"},
    "high_school": {
        "self_study_per_week": "self_study_per_week",
        "rate_yuan": "self_study_rate_yuan",
    },
    "rotation": {"share": "rotation_share"},
    "fees": {
        "per_student_hour_yuan": "fee_per_student_hour_yuan",
        "waiver_share": "waiver_share",
        "public_topup_per_student_yuan": "public_topup_per_student_yuan",
    },
    "subsidy": {
        "scheme": "scheme",
        "mode": "mode",
        "base_rate_yuan": "base_rate_yuan",
        "class_hour_minutes": "class_hour_minutes",
        "teacher_share": "teacher_share",
        "floor_per_hour_yuan": "floor_per_hour_yuan",
        "cap_per_hour_yuan": "cap_per_hour_yuan",
        "quality_pool_share": "quality_pool_share",
        "village_allowance_per_hour_yuan": "village_allowance_per_hour_yuan",
        "weekend_allowance_per_hour_yuan": "weekend_allowance_per_hour_yuan",
    },
    "term": {"id": "term", "start": "term", "end": "term", "holidays": "term"},
    "solver": {
        "time_limit": "solver",
        "first_solution": "solver",
        "seed": "solver",
        "greedy": "solver",
    },
}
_NON_NEGATIVE = (
    "self_study_rate_yuan",
    "public_topup_per_student_yuan",
    "base_rate_yuan",
    "floor_per_hour_yuan",
    "cap_per_hour_yuan",
    "village_allowance_per_hour_yuan",
    "weekend_allowance_per_hour_yuan",
)


class _Bad(ValueError):
    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad("scen.bad.number")
    return float(value)


def _share(value: Any) -> float:
    number = _number(value)
    if not 0.0 <= number <= 1.0:
        raise _Bad("scen.bad.share")
    return number


def _int(value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _Bad("scen.bad.int_range", lo=lo, hi=hi)
    return value


def _by(keys: tuple[str, ...], value: Any, convert, base: dict | None = None) -> dict:
    """A number for every key, or a table of some keys (others keep `base`)."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(keys))
        if unknown:
            raise _Bad("scen.bad.keys", keys=", ".join(unknown), allowed=", ".join(keys))
        out = dict(base or {})
        out.update({k: convert(v) for k, v in value.items()})
        return out
    return {k: convert(value) for k in keys}


def _convert(name: str, value: Any) -> Any:
    if name in ("scenario_id", "name_zh", "name_en", "description_zh", "description_en"):
        if not isinstance(value, str) or (name == "scenario_id" and not value.strip()):
            raise _Bad("scen.bad.text")
        return value.strip()
    if name == "stages":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise _Bad("scen.bad.stages", allowed=", ".join(STAGES))
        bad = [s for s in items if s not in STAGES]
        if bad:
            raise _Bad("scen.bad.stages", allowed=", ".join(STAGES))
        return tuple(s for s in STAGES if s in items)
    if name == "days":
        return _int(value, 1, 7)
    if name == "periods":
        return _int(value, 2, 3)
    if name == "students":
        return _by(("primary", "junior"), value, _share)
    if name in ("teachers", "rotation_share", "teacher_share", "quality_pool_share"):
        return _share(value)
    if name == "self_study_per_week":
        return _int(value, 0, 14)
    if name == "class_hour_minutes":
        return _int(value, 1, 240)
    if name in ("mode", "scheme"):
        allowed = MODES if name == "mode" else SCHEMES
        if value not in allowed:
            raise _Bad("scen.bad.choice", allowed=", ".join(allowed))
        return value
    if name == "fee_per_student_hour_yuan":
        if not isinstance(value, dict):
            raise _Bad("scen.bad.table")
        base = _fees()
        unknown = sorted(set(value) - set(STAGES))
        if unknown:
            raise _Bad("scen.bad.keys", keys=", ".join(unknown), allowed=", ".join(STAGES))
        for stage, v in value.items():
            base[stage] = _by(LOCATIONS, v, _non_negative, base[stage])
        return base
    if name == "waiver_share":
        return _by(LOCATIONS, value, _share, Scenario().waiver_share)
    return _non_negative(value)


def _non_negative(value: Any) -> float:
    number = _number(value)
    if number < 0:
        raise _Bad("scen.bad.negative")
    return number


def _term(table: dict[str, Any]) -> Term:
    term_id = table.get("id", "2025-autumn")
    if not isinstance(term_id, str):
        raise _Bad("scen.bad.text")
    if "start" not in table and "end" not in table:
        try:
            return Term.default(term_id)
        except Exception as exc:
            raise _Bad("scen.bad.term_id") from exc
    try:
        start, end = _date(table["start"]), _date(table["end"])
        holidays = tuple(sorted(_date(h) for h in table.get("holidays", [])))
    except (KeyError, ValueError, TypeError) as exc:
        raise _Bad("scen.bad.term_dates") from exc
    if end < start:
        raise _Bad("scen.bad.term_dates")
    return Term(term_id, start, end, holidays)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _solver(table: dict[str, Any]) -> SolverSettings:
    out = SolverSettings()
    if "time_limit" in table:
        limit = _number(table["time_limit"])
        if limit <= 0:
            raise _Bad("scen.bad.negative")
        out = dataclasses.replace(out, time_limit=limit)
    if "first_solution" in table:
        if not isinstance(table["first_solution"], bool):
            raise _Bad("scen.bad.bool")
        out = dataclasses.replace(out, first_solution=table["first_solution"])
    if "greedy" in table:
        if not isinstance(table["greedy"], bool):
            raise _Bad("scen.bad.bool")
        out = dataclasses.replace(out, greedy=table["greedy"])
    if "seed" in table:
        out = dataclasses.replace(out, seed=_int(table["seed"], 0, 2**31 - 1))
    return out


def build_scenario(data: dict[str, Any], file: str | None = None) -> Scenario:
    """A Scenario from parsed TOML; raises ScenarioError listing every problem."""
    problems = Problems()
    kwargs: dict[str, Any] = {}
    where = {"file": file} if file else {}

    def bad(key: str, value: object, code: str, **params: object) -> None:
        problems.error(code, column=key, value=value, name=key, **where, **params)

    for table, content in data.items():
        if table not in LAYOUT:
            bad(table, "", "scen.unknown_table", allowed=", ".join(LAYOUT))
            continue
        if not isinstance(content, dict):
            bad(table, content, "scen.bad.table")
            continue
        for key, value in content.items():
            if key not in LAYOUT[table]:
                bad(f"{table}.{key}", "", "scen.unknown_key", allowed=", ".join(LAYOUT[table]))
                continue
            name = LAYOUT[table][key]
            if name in ("term", "solver"):
                continue  # whole-table fields, below
            try:
                kwargs[name] = _convert(name, value)
            except _Bad as exc:
                bad(f"{table}.{key}", value, exc.code, **exc.params)
        for name, convert in (("term", _term), ("solver", _solver)):
            if table == name and not problems.errors:
                try:
                    kwargs[name] = convert(content)
                except _Bad as exc:
                    bad(name, "", exc.code, **exc.params)
    if problems.errors:
        raise ScenarioError(problems)
    scenario = Scenario(**kwargs)
    if "high" in scenario.stages and scenario.self_study_per_week == 0:
        bad("high_school.self_study_per_week", 0, "scen.high_needs_sessions")
    if scenario.cap_per_hour_yuan < scenario.floor_per_hour_yuan:
        bad("subsidy.cap_per_hour_yuan", scenario.cap_per_hour_yuan, "scen.cap_below_floor")
    if problems.errors:
        raise ScenarioError(problems)
    return scenario


def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario TOML file (UTF-8)."""
    path = Path(path)
    problems = Problems()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError:
        problems.error("scen.file.missing", path=str(path))
        raise ScenarioError(problems) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.error("scen.file.toml", path=path.name, error=str(exc))
        raise ScenarioError(problems) from None
    return build_scenario(data, file=path.name)


def preset_path(name: str) -> Path:
    return PRESETS_DIR / f"{name}.toml"


def presets() -> dict[str, Path]:
    """Shipped presets by name (file stem)."""
    return {p.stem: p for p in sorted(PRESETS_DIR.glob("*.toml"))}


def resolve(path_or_preset: str | Path) -> Path:
    """A scenario file, or the name of a shipped preset (`baseline`)."""
    path = Path(path_or_preset)
    if path.exists() or path.suffix == ".toml":
        return path
    return presets().get(str(path_or_preset), path)


# ------------------------------------------------------------------ back to TOML


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def to_toml(s: Scenario) -> str:
    """The scenario as TOML that `load_scenario` reads back to an equal Scenario."""
    tables: dict[str, dict[str, Any]] = {}
    for table, keys in LAYOUT.items():
        if table in ("term", "solver"):
            continue
        out = {}
        for key, name in keys.items():
            value = getattr(s, name)
            if value is not None:
                out[key] = list(value) if isinstance(value, tuple) else value
        tables[table] = out
    term = {"id": s.term.term_id, "start": s.term.start, "end": s.term.end}
    if s.term.holidays:
        term["holidays"] = list(s.term.holidays)
    tables["term"] = term
    tables["solver"] = s.solver.as_dict()
    lines = []
    for table, content in tables.items():
        lines.append(f"[{table}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in content.items()]
        lines.append("")
    return "\n".join(lines)
