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
from compensation.policy import Policy, Term
from domain.problems import Problems
from domain.school import LOCATIONS as school_locations
from i18n import both

STAGES = ("primary", "junior", "high")  # service stages: a nine-year school has two
LOCATIONS = school_locations
MODES = ("rate", "fees")  # the money pool: compensation's budget_mode
SCHEMES = schemes.NAMES  # compensation's allocation schemes (compensation/schemes.py)
PRESETS_DIR = Path(__file__).resolve().parent / "presets"
SELF_STUDY_PRESETS_YUAN = (20.0, 35.0, 50.0)  # anecdote / midpoint / Shandong floor
POLICY = Policy()  # compensation's documented defaults, which the subsidy levers share


def _fees() -> dict[str, dict[str, float]]:
    # compensation's fee maxima (Shandong 2022: village 3.0, other schools 3.5 元 per
    # student-hour) for compulsory schools; no high-school fee today (seed 000: high
    # schools have no service).
    return {
        "primary": dict(POLICY.fee_per_student_hour_yuan),
        "junior": dict(POLICY.fee_per_student_hour_yuan),
        "high": dict.fromkeys(LOCATIONS, 0.0),
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


# ------------------------------------------------------------------ checks


class _Bad(ValueError):
    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad("scen.bad.number")
    return float(value)


@dataclass(frozen=True)
class Text:
    """Text; `required`: not blank."""

    required: bool = False

    def __call__(self, value: Any, default: Any = None) -> str:
        if not isinstance(value, str) or (self.required and not value.strip()):
            raise _Bad("scen.bad.text")
        return value.strip()


@dataclass(frozen=True)
class Whole:
    """A whole number from `lo` to `hi`."""

    lo: int
    hi: int

    def __call__(self, value: Any, default: Any = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not self.lo <= value <= self.hi:
            raise _Bad("scen.bad.int_range", lo=self.lo, hi=self.hi)
        return value


@dataclass(frozen=True)
class Number:
    """A number at least `lo` (`share`: from 0 to 1)."""

    share: bool = False
    lo: float = 0.0

    @property
    def hi(self) -> float | None:
        return 1.0 if self.share else None

    def __call__(self, value: Any, default: Any = None) -> float:
        number = _number(value)
        if self.share and not 0.0 <= number <= 1.0:
            raise _Bad("scen.bad.share")
        if number < self.lo:
            raise _Bad("scen.bad.negative")
        return number


SHARE, NON_NEGATIVE = Number(share=True), Number()


@dataclass(frozen=True)
class OneOf:
    allowed: tuple[str, ...]

    def __call__(self, value: Any, default: Any = None) -> str:
        if value not in self.allowed:
            raise _Bad("scen.bad.choice", allowed=", ".join(self.allowed))
        return value


@dataclass(frozen=True)
class Stages:
    """One or more service stages, kept in `STAGES` order."""

    allowed: tuple[str, ...] = STAGES

    def __call__(self, value: Any, default: Any = None) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or any(s not in STAGES for s in items):
            raise _Bad("scen.bad.stages", allowed=", ".join(STAGES))
        return tuple(s for s in STAGES if s in items)


@dataclass(frozen=True)
class ByKey:
    """A value for every key, or a table of some keys (the others keep the default's)."""

    keys: tuple[str, ...]
    each: Any

    def __call__(self, value: Any, default: dict | None = None) -> dict:
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(self.keys))
            if unknown:
                raise _Bad("scen.bad.keys", keys=", ".join(unknown), allowed=", ".join(self.keys))
            out = dict(default or {})
            out.update({k: self.each(v) for k, v in value.items()})
            return out
        return {k: self.each(value) for k in self.keys}


@dataclass(frozen=True)
class FeeTable:
    """Fees by stage, each a number or a table by location (others keep the defaults)."""

    def __call__(self, value: Any, default: dict | None = None) -> dict:
        if not isinstance(value, dict):
            raise _Bad("scen.bad.table")
        base = _fees()
        unknown = sorted(set(value) - set(STAGES))
        if unknown:
            raise _Bad("scen.bad.keys", keys=", ".join(unknown), allowed=", ".join(STAGES))
        for stage, v in value.items():
            base[stage] = ByKey(LOCATIONS, NON_NEGATIVE)(v, base[stage])
        return base


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class TermTable:
    """The whole [term] table: an id (dates assumed, `Term.default`) or id, start, end."""

    keys: tuple[str, ...] = ("id", "start", "end", "holidays")

    def __call__(self, table: dict[str, Any], default: Any = None) -> Term:
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

    @staticmethod
    def table(term: Term) -> dict[str, Any]:
        out: dict[str, Any] = {"id": term.term_id, "start": term.start, "end": term.end}
        if term.holidays:
            out["holidays"] = list(term.holidays)
        return out


@dataclass(frozen=True)
class SolverTable:
    """The whole [solver] table (keys absent keep `SolverSettings`' defaults)."""

    keys: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(SolverSettings))

    def __call__(self, table: dict[str, Any], default: Any = None) -> SolverSettings:
        out = SolverSettings()
        if "time_limit" in table:
            limit = _number(table["time_limit"])
            if limit <= 0:
                raise _Bad("scen.bad.negative")
            out = dataclasses.replace(out, time_limit=limit)
        for key in ("first_solution", "greedy"):
            if key in table:
                if not isinstance(table[key], bool):
                    raise _Bad("scen.bad.bool")
                out = dataclasses.replace(out, **{key: table[key]})
        if "seed" in table:
            out = dataclasses.replace(out, seed=Whole(0, 2**31 - 1)(table["seed"]))
        return out

    @staticmethod
    def table(settings: SolverSettings) -> dict[str, Any]:
        return settings.as_dict()


# ------------------------------------------------------------------ the levers


@dataclass(frozen=True)
class Widget:
    """How the app's Scenarios form shows a lever (ui/pages/scenarios.py draws it).

    `kind`: number, optional (a number or "as written"), choice, radio, multiselect,
    slider, per_stage (one number per service stage). The widget's key is
    `scen_<plan>_<name>`, its label `ui.scen.<name>` (and `ui.scen.<name>_help`); its
    bounds are the check's unless `hi` is tighter. Options are the check's choices (plus
    `presets`), labelled `<option_labels>.<option>` or by `option_format`.
    """

    kind: str
    name: str
    group: str  # ui.scen.group.<group>
    order: int  # place within the group, row by row
    step: float | None = None
    hi: float | None = None
    help: bool = False
    option_labels: str = ""
    option_format: str = ""
    presets: tuple[float, ...] = ()


@dataclass(frozen=True)
class Lever:
    """One scenario lever: its TOML table and key (None: the whole table), the check that
    turns a TOML value into the field's value, the compensation `Policy` field it sets (if
    any), and the app's widget (if any). The default is the `Scenario` field's."""

    table: str
    key: str | None
    check: Any
    policy: str | None = None
    widget: Widget | None = None
    field: str = ""  # the Scenario field, filled in from the dataclass

    @property
    def keys(self) -> tuple[str, ...]:
        return self.check.keys if self.key is None else (self.key,)

    @property
    def where(self) -> str:
        return self.table if self.key is None else f"{self.table}.{self.key}"


def lever(
    table: str,
    key: str | None,
    check: Any,
    default: Any = dataclasses.MISSING,
    *,
    factory: Any = dataclasses.MISSING,
    policy: str | None = None,
    widget: Widget | None = None,
) -> Any:
    """A `Scenario` field that is a lever; without a default, a `policy` lever defaults to
    compensation's documented default for that policy key."""
    if default is dataclasses.MISSING and factory is dataclasses.MISSING and policy:
        default = getattr(POLICY, policy)
    meta = {"lever": Lever(table, key, check, policy, widget)}
    if factory is not dataclasses.MISSING:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Scenario:
    """The county's levers. Each field is one lever (`lever(...)`): a new lever is one
    field here, then its effect where it acts (build.py for the week, money.py for pay)."""

    scenario_id: str = lever("scenario", "id", Text(required=True), "scenario")
    name_zh: str = lever("scenario", "name_zh", Text(), "方案")
    name_en: str = lever("scenario", "name_en", Text(), "Scenario")
    description_zh: str = lever("scenario", "description_zh", Text(), "")
    description_en: str = lever("scenario", "description_en", Text(), "")
    # [service]
    stages: tuple[str, ...] = lever(
        "service", "stages", Stages(), ("primary", "junior"),
        widget=Widget("multiselect", "stages", "service", 0, option_labels="ui.scen.stage"),
    )  # fmt: skip
    days: int = lever(
        "service", "days", Whole(1, 7), 5, widget=Widget("number", "days", "service", 1)
    )
    periods: int = lever(
        "service", "periods", Whole(2, 3), 2,
        widget=Widget("choice", "periods", "service", 2, option_format="5+{}"),
    )  # fmt: skip
    # [participation]: None keeps what the workbooks say
    students: dict[str, float] | None = lever(  # stage -> share in basic care
        "participation", "students", ByKey(("primary", "junior"), SHARE), None,
        widget=Widget("optional", "students", "people", 0, step=0.05),
    )  # fmt: skip
    teachers: float | None = lever(  # share of internal teachers opting in
        "participation", "teachers", SHARE, None,
        widget=Widget("optional", "teachers", "people", 1, step=0.05),
    )  # fmt: skip
    # [high_school]
    self_study_per_week: int = lever(  # target per class when "high" is in stages
        "high_school", "self_study_per_week", Whole(0, 14), 0,
        widget=Widget("number", "self_study", "high", 0),
    )  # fmt: skip
    self_study_rate_yuan: float = lever(  # 元 per self-study session and teacher: its whole pay
        "high_school", "rate_yuan", NON_NEGATIVE, 0.0,
        policy="self_study_allowance_per_session_yuan",
        widget=Widget("choice", "rate", "high", 1, help=True, option_format="{:g} 元",
                      presets=SELF_STUDY_PRESETS_YUAN),
    )  # fmt: skip
    # [rotation]
    rotation_share: float = lever(  # share of junior-school teachers moved to high schools
        "rotation", "share", SHARE, 0.0,
        widget=Widget("slider", "rotation", "high", 2, step=0.01, hi=0.3),
    )  # fmt: skip
    # [fees]
    fee_per_student_hour_yuan: dict[str, dict[str, float]] = lever(
        "fees", "per_student_hour_yuan", FeeTable(), factory=_fees,
        widget=Widget("per_stage", "fee", "money", 0, step=0.5, hi=50.0),
    )  # fmt: skip
    waiver_share: dict[str, float] = lever(
        "fees", "waiver_share", ByKey(LOCATIONS, SHARE),
        factory=lambda: {"urban": 0.03, "town": 0.05, "village": 0.08},
    )  # fmt: skip
    public_topup_per_student_yuan: float = lever(  # per enrolled pupil and term
        "fees", "public_topup_per_student_yuan", NON_NEGATIVE, 0.0,
        widget=Widget("number", "topup", "money", 3, step=10.0, hi=5000.0),
    )  # fmt: skip
    # [subsidy]: compensation/'s scheme and policy (docs/compensation.md)
    scheme: str = lever(  # hour_only (today's practice) / quality / lp
        "subsidy", "scheme", OneOf(SCHEMES), schemes.BASELINE,
        widget=Widget("choice", "scheme", "money", 6, help=True, option_labels="ui.scen.scheme"),
    )  # fmt: skip
    mode: str = lever(  # the pool: rate (base rate x hours + allowances) / fees
        "subsidy", "mode", OneOf(MODES), policy="budget_mode",
        widget=Widget("radio", "mode", "money", 4, option_labels="ui.scen.mode"),
    )  # fmt: skip
    base_rate_yuan: float = lever(  # per class hour (课时) of basic and extended service
        "subsidy", "base_rate_yuan", NON_NEGATIVE, policy="base_rate_yuan",
        widget=Widget("number", "base_rate", "money", 5, step=5.0, hi=500.0),
    )  # fmt: skip
    class_hour_minutes: int = lever(
        "subsidy", "class_hour_minutes", Whole(1, 240), policy="class_hour_minutes"
    )
    teacher_share: float = lever("subsidy", "teacher_share", SHARE, policy="teacher_share")
    floor_per_hour_yuan: float = lever(  # the county tops the pool up to these floors
        "subsidy", "floor_per_hour_yuan", NON_NEGATIVE, policy="floor_per_hour_yuan",
        widget=Widget("number", "floor", "money", 8, step=5.0, hi=500.0),
    )  # fmt: skip
    cap_per_hour_yuan: float = lever(  # pay above the caps is not paid out
        "subsidy", "cap_per_hour_yuan", NON_NEGATIVE, policy="cap_per_hour_yuan"
    )
    quality_pool_share: float = lever(  # quality / lp: share of the hourly money at stake
        "subsidy", "quality_pool_share", SHARE, policy="quality_pool_share",
        widget=Widget("number", "pool_share", "money", 7, step=0.05),
    )  # fmt: skip
    village_allowance_per_hour_yuan: float = lever(
        "subsidy", "village_allowance_per_hour_yuan", NON_NEGATIVE,
        policy="village_allowance_per_hour_yuan",
    )  # fmt: skip
    weekend_allowance_per_hour_yuan: float = lever(
        "subsidy", "weekend_allowance_per_hour_yuan", NON_NEGATIVE,
        policy="weekend_allowance_per_hour_yuan",
    )  # fmt: skip
    # [term]
    term: Term = lever(
        "term", None, TermTable(), factory=lambda: Term.default("2025-autumn"), policy="term"
    )
    # [solver]
    solver: SolverSettings = lever("solver", None, SolverTable(), factory=SolverSettings)

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh

    def student_share(self, stage: str) -> float | None:
        return None if self.students is None else self.students.get(stage)

    def fee(self, stage: str, location: str) -> float:
        return self.fee_per_student_hour_yuan.get(stage, {}).get(location, 0.0)


DEFAULTS = Scenario()
# Every lever, in the order of the TOML file (to_toml writes it so).
LEVERS: tuple[Lever, ...] = tuple(
    dataclasses.replace(f.metadata["lever"], field=f.name) for f in dataclasses.fields(Scenario)
)


def _layout() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for item in LEVERS:
        out.setdefault(item.table, {}).update(dict.fromkeys(item.keys, item.field))
    return out


# TOML layout: table -> {key: field name} (a whole-table lever: each of its keys)
LAYOUT: dict[str, dict[str, str]] = _layout()
_BY_PLACE = {(item.table, key): item for item in LEVERS for key in item.keys}


def policy_of(scenario: Scenario) -> Policy:
    """The compensation policy the scenario's subsidy levers stand for (other keys keep
    compensation's documented defaults)."""
    return Policy(**{x.policy: getattr(scenario, x.field) for x in LEVERS if x.policy})


class ScenarioError(Exception):
    """Invalid scenario: every problem, each naming its key, in both languages."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        lines = [both("scen.invalid", count=len(self.problems.errors))]
        lines += [p.render() for p in self.problems.errors]
        return "\n".join(lines)


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
            item = _BY_PLACE[(table, key)]
            if item.key is None:
                continue  # a whole-table lever, below
            try:
                kwargs[item.field] = item.check(value, getattr(DEFAULTS, item.field))
            except _Bad as exc:
                bad(item.where, value, exc.code, **exc.params)
        for item in LEVERS:
            if item.key is None and item.table == table and not problems.errors:
                try:
                    kwargs[item.field] = item.check(content)
                except _Bad as exc:
                    bad(item.where, "", exc.code, **exc.params)
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
    for item in LEVERS:
        value = getattr(s, item.field)
        if item.key is None:
            tables[item.table] = item.check.table(value)
            continue
        out = tables.setdefault(item.table, {})
        if value is not None:
            out[item.key] = list(value) if isinstance(value, tuple) else value
    lines = []
    for table, content in tables.items():
        lines.append(f"[{table}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in content.items()]
        lines.append("")
    return "\n".join(lines)
