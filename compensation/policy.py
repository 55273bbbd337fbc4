"""The county's subsidy policy: every number the engine uses, each default with its source.

Sources refer to `/work/shared/domain-notes.md` (summarised again in docs/compensation.md).
Money in the policy is in 元 (yuan) with at most two decimals; the engine converts to
integer fen. A policy comes from a TOML file (`load_policy_toml`) or a `policy` workbook
sheet of key / value rows (`policy_from_rows`); unknown keys and bad values are errors
that name the key (and the sheet row).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compensation.errors import CompensationError
from domain.problems import Problems

RATING_SOURCES = ("student", "parent", "peer", "leader", "other")
FACT_MEASURES = ("attendance", "homework")
BUDGET_MODES = ("rate", "fees", "fixed")

# Chinese labels accepted for the rating sources and fact measures (first one is written).
SOURCE_LABELS: dict[str, tuple[str, ...]] = {
    "student": ("学生", "学生评价"),
    "parent": ("家长", "家长评价", "家长满意度"),
    "peer": ("同行", "同事", "教师互评", "互评"),
    "leader": ("领导", "学校领导", "校领导", "行政", "行政巡查"),
    "other": ("其他",),
}
MEASURE_LABELS: dict[str, tuple[str, ...]] = {
    "attendance": ("出勤率", "到课率", "出勤"),
    "homework": ("作业完成率", "作业完成", "作业"),
}

# Every default and where it comes from (shown by docs and `afterschool subsidies --help`).
SOURCES: dict[str, str] = {
    "class_hour_minutes": "45 min: the issue's documented class-hour (课时) length; a parameter.",
    "budget_mode": "rate: budget = base rate x delivered class hours + allowances, i.e. what "
    "today's hour-only practice pays, so the quality scheme redistributes the same money.",
    "base_rate_yuan": "50 元 per class hour: Shandong, 'as a rule not below 50 元 per class hour'.",
    "fee_per_student_hour_yuan": "urban/town 3.5, village 3.0 元 per student-hour: Shandong "
    "2022 maxima (rural at most 3, other schools at most 3.5); only used in budget_mode=fees.",
    "teacher_share": "0.9: one school kept 10% of fee income for running costs (weak: one school).",
    "public_topup_yuan": "0 元: county-specific; seed 000 says poor counties cannot fund more.",
    "quality_pool_share": "0.30: a 2009 city scheme split performance pay 70% basic / 30% "
    "reward (another guaranteed 800 of 1,000 元, i.e. 20% at stake).",
    "multiplier_min": "0.5 (assumed): with a 30% pool, hourly pay moves within about ±15% "
    "of the average, the size of the 200-of-1,000 元 scheme and of the ~3% annual bonus "
    "found safe in the Indian trial.",
    "multiplier_max": "1.5 (assumed): symmetric to multiplier_min.",
    "multiplier_slope": "0.25 per standard deviation (assumed): the range is reached at ±2 SD.",
    "floor_per_hour_yuan": "35 元 = 70% of the 50 元 base rate: the 70% basic share of the "
    "2009 city scheme; set 50 to enforce Shandong's rate as a hard floor.",
    "cap_per_hour_yuan": "80 元: Yongchun's weekend maximum per session, the highest official "
    "per-session ceiling found (weekday 50, Quanzhou 60).",
    "cap_per_term_yuan": "none: no per-term ceiling was found in public documents.",
    "village_allowance_per_hour_yuan": "7 元 (derived): the Shandong fee gap (3.0 rural vs 3.5) "
    "is 1/7 of fee income; 1/7 of the 50 元 base rate is 7 元.",
    "weekend_allowance_per_hour_yuan": "30 元: Yongchun pays at most 80 元 at weekends vs 50 "
    "on weekdays.",
    "self_study_allowance_per_session_yuan": "20 元 per high-school self-study session: "
    "anecdotal rural boarding school (weak; what-if values 20 / 35 / 50).",
    "source_weights": "county assessment scheme: parent satisfaction 30, attendance 20, homework "
    "20, engagement 10 (-> student), order and safety 20 (-> split leader 10 / peer 10, as DC "
    "IMPACT splits observations between leader and independent evaluators); other 0.",
    "trim_share": "0.2 (assumed): one top and one bottom rating dropped per five raters, "
    "against gaming (seed 000: ratings by acquaintances are biased).",
    "min_raters": "3 (assumed, after DC IMPACT's 3 leader observations a year); fewer raters "
    "shrink toward the school mean.",
    "min_months": "2 (assumed): monthly checks in the county scheme; seed 000: year-end "
    "one-shot ratings are unreliable, rate continuously.",
    "min_sd": "5 points on 0-100 (assumed): a school whose scores barely differ does not "
    "blow tiny differences up into large multipliers.",
    "z_clip": "2 SD (assumed): outliers do not move the pool beyond the multiplier range.",
    "lp_rules": "village >= town average hourly pay: seed 000 (towns behind the city, "
    "village schools behind central schools).",
}


@dataclass(frozen=True)
class Term:
    """A school term: its id and the dates on which service is held."""

    term_id: str
    start: dt.date
    end: dt.date
    holidays: tuple[dt.date, ...] = ()

    def dates(self) -> list[dt.date]:
        days = (self.end - self.start).days + 1
        off = set(self.holidays)
        out = [self.start + dt.timedelta(days=i) for i in range(max(days, 0))]
        return [d for d in out if d not in off]

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @staticmethod
    def default(term_id: str) -> Term:
        """Assumed dates for ids like `2025-autumn` / `2025秋` / `2026-spring` / `2026春`.

        Autumn: 1 Sep to 15 Jan with the National Day week off; spring: 1 Mar to 30 Jun.
        A county sets its own calendar in the policy's [term] table.
        """
        match = re.match(r"^(\d{4})\s*[-_ ]?\s*(autumn|fall|spring|秋|春)", term_id.strip(), re.I)
        if not match:
            raise CompensationError("comp.term.unknown", term=term_id)
        year, season = int(match.group(1)), match.group(2).lower()
        if season in ("autumn", "fall", "秋"):
            holidays = tuple(dt.date(year, 10, d) for d in range(1, 8))
            return Term(term_id, dt.date(year, 9, 1), dt.date(year + 1, 1, 15), holidays)
        return Term(term_id, dt.date(year, 3, 1), dt.date(year, 6, 30))


DEFAULT_WEIGHTS: dict[str, float] = {
    "parent": 0.30,
    "attendance": 0.20,
    "homework": 0.20,
    "student": 0.10,
    "leader": 0.10,
    "peer": 0.10,
    "other": 0.0,
}


@dataclass(frozen=True)
class LpRule:
    """Average hourly pay of location `lhs` at least that of `rhs` (e.g. village >= town)."""

    lhs: str
    rhs: str


@dataclass(frozen=True)
class Policy:
    class_hour_minutes: int = 45
    budget_mode: str = "rate"
    budget_yuan: float | None = None
    fee_income_yuan: float | None = None
    fee_per_student_hour_yuan: dict[str, float] = field(
        default_factory=lambda: {"urban": 3.5, "town": 3.5, "village": 3.0}
    )
    teacher_share: float = 0.9
    public_topup_yuan: float = 0.0
    base_rate_yuan: float = 50.0
    quality_pool_share: float = 0.30
    multiplier_min: float = 0.5
    multiplier_max: float = 1.5
    multiplier_slope: float = 0.25
    floor_per_hour_yuan: float = 35.0
    cap_per_hour_yuan: float | None = 80.0
    cap_per_term_yuan: float | None = None
    village_allowance_per_hour_yuan: float = 7.0
    weekend_allowance_per_hour_yuan: float = 30.0
    self_study_allowance_per_session_yuan: float = 20.0
    source_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    trim_share: float = 0.2
    min_raters: int = 3
    min_months: int = 2
    min_sd: float = 5.0
    z_clip: float = 2.0
    lp_rules: tuple[LpRule, ...] = (LpRule("village", "town"),)
    term: Term | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able dict (dates as ISO text), sorted keys: stored with every run."""
        data = dataclasses.asdict(self)
        return json.loads(json.dumps(data, default=str, sort_keys=True))

    @property
    def rating_sources(self) -> tuple[str, ...]:
        return tuple(k for k in self.source_weights if k not in FACT_MEASURES)

    def with_term(self, term: Term) -> Policy:
        return dataclasses.replace(self, term=term)


_INT_FIELDS = {"class_hour_minutes", "min_raters", "min_months"}
_OPTIONAL = {"budget_yuan", "fee_income_yuan", "cap_per_hour_yuan", "cap_per_term_yuan"}
_SHARES = {"teacher_share", "quality_pool_share", "trim_share"}


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.datetime.fromisoformat(text).date()


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, str):
        value = value.strip().replace("元", "").replace("%", "e-2")
    return float(value)


def _add(problems: Problems, key: str, value: object, where: dict[str, Any], code: str) -> None:
    problems.error(
        code,
        column=where.get("column", key),
        name=key,
        value=value,
        got=value,
        **{k: v for k, v in where.items() if k in ("file", "sheet", "row")},
    )


def build_policy(
    data: dict[str, Any], where: dict[str, Any] | None = None, rows: dict[str, int] | None = None
) -> Policy:
    """A Policy from a plain dict (TOML tables or sheet rows); every problem is reported.

    `rows` maps a key to its sheet row, so errors can point at the cell.
    """
    where = where or {}
    rows = rows or {}
    problems = Problems()
    kwargs: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(Policy)}

    def loc(key: str) -> dict[str, Any]:
        out = dict(where)
        if key.split(".")[0] in rows:
            out["row"] = rows[key.split(".")[0]]
        return out

    for key, value in data.items():
        if key not in names:
            _add(problems, key, key, loc(key), "comp.policy.unknown_key")
            continue
        try:
            kwargs[key] = _convert(key, value)
        except (ValueError, TypeError, KeyError) as exc:
            del exc
            _add(problems, key, value, loc(key), f"comp.policy.bad.{_kind(key)}")
    if problems.errors:
        raise CompensationError("comp.policy.invalid", problems=problems)
    policy = Policy(**kwargs)
    _check(policy, problems, where, rows)
    if problems.errors:
        raise CompensationError("comp.policy.invalid", problems=problems)
    return policy


def _kind(key: str) -> str:
    if key in _INT_FIELDS:
        return "int"
    if key in ("source_weights", "fee_per_student_hour_yuan"):
        return "table"
    if key == "lp_rules":
        return "rules"
    if key == "term":
        return "term"
    if key == "budget_mode":
        return "mode"
    return "number"


def _convert(key: str, value: Any) -> Any:
    if key in _OPTIONAL and (value is None or str(value).strip().lower() in ("", "none")):
        return None
    if key == "budget_mode":
        text = str(value).strip().lower()
        if text not in BUDGET_MODES:
            raise ValueError(text)
        return text
    if key in _INT_FIELDS:
        number = _number(value)
        if not number.is_integer() or number < 0:
            raise ValueError(value)
        return int(number)
    if key in ("source_weights", "fee_per_student_hour_yuan"):
        table = _table(value)
        out = {str(k).strip(): _number(v) for k, v in table.items()}
        if key == "source_weights":
            return {_source_key(k): v for k, v in out.items()}
        base = Policy().fee_per_student_hour_yuan
        return {**base, **{_location_key(k): v for k, v in out.items()}}
    if key == "lp_rules":
        return _rules(value)
    if key == "term":
        table = _table(value)
        holidays = table.get("holidays", ())
        if isinstance(holidays, str):
            holidays = [h for h in re.split(r"[;；,，、\s]+", holidays) if h]
        return Term(
            term_id=str(table["id"]),
            start=_to_date(table["start"]),
            end=_to_date(table["end"]),
            holidays=tuple(sorted(_to_date(h) for h in holidays)),
        )
    return _number(value)


def _table(value: Any) -> dict[str, Any]:
    """A TOML table, or in a sheet cell `parent=0.3; leader=0.1` (also `：`/`:`)."""
    if isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for item in re.split(r"[;；,，、\n]+", str(value)):
        if not item.strip():
            continue
        k, v = re.split(r"\s*[=:：]\s*", item.strip(), maxsplit=1)
        out[k.strip()] = v.strip()
    if not out:
        raise ValueError(value)
    return out


def _source_key(name: str) -> str:
    low = name.strip().lower()
    for key, labels in {**SOURCE_LABELS, **MEASURE_LABELS}.items():
        if low == key or name.strip() in labels:
            return key
    return low  # another configured source (e.g. "inspector")


def _location_key(name: str) -> str:
    from workbook.spec import LOCATION_LABELS

    low = name.strip().lower()
    for key, labels in LOCATION_LABELS.items():
        if low == key or name.strip() in labels:
            return key
    raise KeyError(name)


def _rules(value: Any) -> tuple[LpRule, ...]:
    """TOML `[[lp_rules]] lhs="village" rhs="town"`, or a cell `village>=town; town>=urban`."""
    if isinstance(value, str):
        items = [v for v in re.split(r"[;；,，\n]+", value) if v.strip()]
        pairs = [re.split(r"\s*>=\s*|\s*≥\s*", v.strip()) for v in items]
    else:
        pairs = [(r["lhs"], r["rhs"]) for r in value]
    out = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(pair)
        out.append(LpRule(_location_key(pair[0]), _location_key(pair[1])))
    return tuple(out)


def _check(policy: Policy, problems: Problems, where: dict[str, Any], rows: dict[str, int]) -> None:
    """Ranges and consistency; each problem names the key (and its row in a sheet)."""

    def bad(key: str, code: str, **params: object) -> None:
        loc = {k: v for k, v in where.items() if k in ("file", "sheet")}
        if key in rows:
            loc["row"] = rows[key]
        problems.error(
            code,
            column=key,
            name=key,
            value=getattr(policy, key),
            got=getattr(policy, key),
            **loc,
            **params,
        )

    for key in _SHARES:
        if not 0.0 <= getattr(policy, key) <= (0.49 if key == "trim_share" else 1.0):
            bad(key, "comp.policy.share")
    for key in (
        "base_rate_yuan",
        "floor_per_hour_yuan",
        "public_topup_yuan",
        "village_allowance_per_hour_yuan",
        "weekend_allowance_per_hour_yuan",
        "self_study_allowance_per_session_yuan",
        "multiplier_min",
        "multiplier_slope",
        "min_sd",
        "z_clip",
    ):
        if getattr(policy, key) < 0:
            bad(key, "comp.policy.negative")
    if policy.multiplier_min > policy.multiplier_max:
        bad("multiplier_min", "comp.policy.order", other="multiplier_max")
    if (
        policy.cap_per_hour_yuan is not None
        and policy.cap_per_hour_yuan < policy.floor_per_hour_yuan
    ):
        bad("cap_per_hour_yuan", "comp.policy.order_cap", other="floor_per_hour_yuan")
    if policy.class_hour_minutes <= 0:
        bad("class_hour_minutes", "comp.policy.negative")
    if policy.budget_mode == "fixed" and policy.budget_yuan is None:
        bad("budget_yuan", "comp.policy.needs_budget")
    if any(w < 0 for w in policy.source_weights.values()) or not any(
        w > 0 for w in policy.source_weights.values()
    ):
        bad("source_weights", "comp.policy.weights")
    if policy.term is not None and policy.term.end < policy.term.start:
        bad("term", "comp.policy.term_order")


def load_policy_toml(path: Path) -> Policy:
    """Read a policy TOML file; keys absent keep their documented defaults."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CompensationError("comp.policy.toml", file=str(path), error=str(exc)) from exc
    except OSError as exc:
        raise CompensationError("comp.file.missing", path=str(path)) from exc
    return build_policy(data, where={"file": Path(path).name})


def policy_from_rows(
    rows: list[tuple[str, Any, int]], sheet: str = "policy", file: str | None = None
) -> Policy:
    """A policy from `policy` sheet rows: (key, value, spreadsheet row number)."""
    data: dict[str, Any] = {}
    where_rows: dict[str, int] = {}
    for key, value, row in rows:
        key = key.strip()
        if "." in key:  # source_weights.parent = 0.3, term.start = 2025-09-01
            head, sub = key.split(".", 1)
            table = data.setdefault(head, {})
            if isinstance(table, dict):
                table[sub] = value
            where_rows.setdefault(head, row)
            continue
        data[key] = value
        where_rows[key] = row
    where = {"sheet": sheet, **({"file": file} if file else {})}
    return build_policy(data, where=where, rows=where_rows)


def policy_rows(policy: Policy) -> list[tuple[str, str, str]]:
    """The policy as key / value / source rows (for the template's `policy` sheet)."""
    out = []
    for f in dataclasses.fields(Policy):
        value = getattr(policy, f.name)
        if f.name == "term":
            if value is None:
                continue
            for sub in ("term_id", "start", "end"):
                out.append(
                    (f"term.{'id' if sub == 'term_id' else sub}", str(getattr(value, sub)), "")
                )
            if value.holidays:
                out.append(("term.holidays", ";".join(str(h) for h in value.holidays), ""))
            continue
        if isinstance(value, dict):
            text = "; ".join(f"{k}={v:g}" for k, v in value.items())
        elif f.name == "lp_rules":
            text = "; ".join(f"{r.lhs}>={r.rhs}" for r in value)
        else:
            text = (
                "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
            )
        out.append((f.name, text, SOURCES.get(f.name, "")))
    return out
