"""Two peers for the scheduler benchmark, scored with the same objective as the CP-SAT model.

* `greedy`: the product's by-hand greedy (`scheduler.greedy.greedy_schedule`: placement
  most-constrained first, then exact max-flow staffing; None when it gets stuck).
* `highs_solve`: the same model as a MIP in HiGHS (counted rooms, same hard rules, same
  soft terms and weights, the same convex-hull cuts on the deviation; no count table,
  which is a CP-only constraint, and no lock rules: the benchmark schools have no locks).

The HiGHS model and `score` read the school through `scheduler.instance.Instance`, so they
agree with the model on what a session, a qualified teacher or a suitable room is.
"""

from __future__ import annotations

import time

import numpy as np

from domain.schedule import Schedule
from domain.school import School
from scheduler.greedy import greedy_schedule as greedy
from scheduler.instance import Instance, RoomNeed
from scheduler.model import fair_shares, fairness_set, hull_edges
from scheduler.rooms import hall_sets
from scheduler.weights import Weights

__all__ = ["build_mip", "greedy", "highs_solve", "score"]

# --------------------------------------------------------------------------- shared


def shares_of(inst: Instance) -> dict[str, int]:
    return fair_shares(inst, fairness_set(inst))


def _achievable(inst: Instance, t, cand: set[str]) -> list[int]:
    """As scheduler.model.achievable_loads, without building the model."""
    lengths = [inst.length(s) for s in inst.slots if s in cand]
    reach = {(0, 0)}
    for length in lengths:
        reach |= {(n + 1, total + length) for n, total in reach if n < t.max_per_week}
    return sorted({total for _n, total in reach})


def score(school: School, schedule: Schedule, weights: Weights | None = None) -> dict:
    """The model's objective terms and weighted total, computed from a finished schedule."""
    w = (weights or Weights()).as_dict()
    inst = Instance(school)
    fair = fairness_set(inst)
    shares = shares_of(inst)
    load = {t.teacher_id: 0 for t in inst.teachers}
    worked: set[tuple[str, int]] = set()
    on_basic: dict[str, set[str]] = {}
    held_days: dict[str, set[int]] = {}
    externals = {t.teacher_id for t in inst.teachers if t.external}
    fixed = {(a.fixed_teacher, a.activity_id) for a in inst.activities if a.fixed_teacher}
    external_used = 0
    for p in schedule.sessions:
        for tid in p.teacher_ids:
            load[tid] = load.get(tid, 0) + inst.length(p.slot_id)
            worked.add((tid, p.day))
            if tid in externals and (tid, p.activity_id) not in fixed:
                external_used += 1
        if p.kind == "basic":
            on_basic.setdefault(p.slot_id, set()).update(p.teacher_ids)
        else:
            held_days.setdefault(p.activity_id, set()).add(p.day)
    loads = [load[t.teacher_id] for t in fair]
    spread = (max(loads) - min(loads)) if loads else 0
    deviation = sum(abs(load[t.teacher_id] - shares[t.teacher_id]) for t in fair)
    homeroom = 0
    for bs in inst.basic_sessions:
        heads = [
            t.teacher_id
            for t in inst.teachers
            if t.homeroom == bs.group_id and bs.slot_id not in t.unavailable
        ]
        if heads:
            want = min(bs.need, len(heads))
            homeroom += max(0, want - len(set(heads) & on_basic.get(bs.slot_id, set())))
    adjacent = sum(
        1
        for a in inst.activities
        if a.sessions_per_week >= 2
        for d in held_days.get(a.activity_id, ())
        if d + 1 in held_days[a.activity_id]
    )
    terms = {
        "spread": spread,
        "fair_share": deviation,
        "homeroom": homeroom,
        "days": len(worked),
        "external": external_used,
        "adjacent_days": adjacent,
    }
    return {"terms": terms, "objective": sum(w[k] * v for k, v in terms.items())}


# --------------------------------------------------------------------------- HiGHS


class _Mip:
    """Sparse MIP collected in Python lists and handed to HiGHS in one batch."""

    def __init__(self) -> None:
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.integer: list[int] = []
        self.cost: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, lb: float, ub: float, integer: bool = True, cost: float = 0.0) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(1 if integer else 0)
        self.cost.append(cost)
        return len(self.lb) - 1

    def row(self, coefs: list[tuple[int, float]], lo: float, hi: float) -> None:
        merged: dict[int, float] = {}
        for j, c in coefs:
            merged[j] = merged.get(j, 0.0) + c
        self.rows.append(({j: c for j, c in merged.items() if c != 0}, lo, hi))


INF = float("inf")


def build_mip(school: School, weights: Weights | None = None) -> _Mip:
    w = (weights or Weights()).as_dict()
    inst = Instance(school)
    mip = _Mip()
    z: dict[tuple[str, str], int] = {}
    x: dict[tuple[str, str], int] = {}
    v: dict[tuple[str, str, str], int] = {}
    for t in inst.teachers:
        avail = set(inst.available(t))
        for s in inst.basic_slots:
            if s in avail:
                z[t.teacher_id, s] = mip.var(0, 1)
    for a in inst.activities:
        qualified = inst.qualified(a)
        for s in inst.allowed(a):
            x[a.activity_id, s] = mip.var(0, 1)
            for t in qualified:
                if s not in t.unavailable:
                    v[t.teacher_id, a.activity_id, s] = mip.var(0, 1)
    by_ts: dict[tuple[str, str], list[int]] = {}
    by_as: dict[tuple[str, str], list[int]] = {}
    for (t, a, s), j in v.items():
        by_ts.setdefault((t, s), []).append(j)
        by_as.setdefault((a, s), []).append(j)

    def tvars(tid: str, s: str) -> list[int]:
        return ([z[tid, s]] if (tid, s) in z else []) + by_ts.get((tid, s), [])

    # Hard rules, as in scheduler.model.
    for s in inst.slots:
        demand = inst.basic_demand(s)
        if demand:
            mip.row(
                [(z[t.teacher_id, s], 1) for t in inst.teachers if (t.teacher_id, s) in z],
                demand,
                demand,
            )
    for a in inst.activities:
        allowed = inst.allowed(a)
        mip.row(
            [(x[a.activity_id, s], 1) for s in allowed], a.sessions_per_week, a.sessions_per_week
        )
        for d in inst.days:
            xs = [x[a.activity_id, s] for s in allowed if inst.day(s) == d]
            if len(xs) > 1:
                mip.row([(j, 1) for j in xs], -INF, 1)
        for s in allowed:
            mip.row(
                [(j, 1) for j in by_as.get((a.activity_id, s), [])]
                + [(x[a.activity_id, s], -a.staff)],
                0,
                0,
            )
            if a.fixed_teacher:
                fv = v.get((a.fixed_teacher, a.activity_id, s))
                mip.row([(x[a.activity_id, s], 1)] + ([(fv, -1)] if fv is not None else []), 0, 0)
    for t in inst.teachers:
        for s in inst.slots:
            vs = tvars(t.teacher_id, s)
            if len(vs) > 1:
                mip.row([(j, 1) for j in vs], -INF, 1)
        for d in inst.days:
            vs = [j for s in inst.slots if inst.day(s) == d for j in tvars(t.teacher_id, s)]
            if len(vs) > t.max_per_day:
                mip.row([(j, 1) for j in vs], -INF, t.max_per_day)
        vs = [j for s in inst.slots for j in tvars(t.teacher_id, s)]
        if len(vs) > t.max_per_week:
            mip.row([(j, 1) for j in vs], -INF, t.max_per_week)
    basic_at = {(bs.group_id, bs.slot_id) for bs in inst.basic_sessions}
    for gid, aids in inst.class_activities.items():
        for s in inst.slots:
            xs = [x[a, s] for a in aids if (a, s) in x]
            busy = 1 if (gid, s) in basic_at else 0
            if len(xs) + busy > 1:
                mip.row([(j, 1) for j in xs], -INF, 1 - busy)
    for acts in inst.student_activity_sets:
        for s in inst.slots:
            xs = [x[a, s] for a in sorted(acts) if (a, s) in x]
            if len(xs) > 1:
                mip.row([(j, 1) for j in xs], -INF, 1)
    # Rooms: counted per nested room set (Hall's condition), as _counted_rooms.
    for s in inst.slots:
        fixed: list[tuple[str, list]] = []  # (room_id, coefs of "active")
        pooled: list[tuple[RoomNeed, list]] = []
        for bs in inst.basic_by_slot[s]:
            if bs.home_room is not None:
                fixed.append((bs.home_room, []))  # constant 1
            else:
                pooled.append((inst.basic_room_need(bs), []))
        for a in inst.activities:
            if (a.activity_id, s) in x:
                pooled.append((inst.room_need(a), [(x[a.activity_id, s], 1)]))
        needs = {n for n, _ in pooled} | {RoomNeed(None, n.seats) for n, _ in pooled}
        of = {n: frozenset(inst.rooms_for(n)) for n in needs}
        for rooms in hall_sets(set(of.values())):  # the model's room sets
            coefs: list[tuple[int, float]] = []
            const = 0
            for n, c in pooled + [(None, c) for r, c in fixed if r in rooms]:
                if n is not None and not of[n] <= rooms:
                    continue
                if c:
                    coefs += c
                else:
                    const += 1
            mip.row(coefs, -INF, len(rooms) - const)
    # Soft terms.
    fair = fairness_set(inst)
    cand = inst.work_slots
    if fair:
        max_len = max(inst.length(s) for s in inst.slots)
        top = max(1, max(t.max_per_week for t in fair)) * max_len
        hi = mip.var(0, top, cost=w["spread"])
        lo = mip.var(0, top, cost=-w["spread"])
        shares = shares_of(inst)
        loads = {
            t.teacher_id: [(j, inst.length(s)) for s in inst.slots for j in tvars(t.teacher_id, s)]
            for t in fair
        }
        total = [c for load in loads.values() for c in load]
        for t in fair:
            load = loads[t.teacher_id]
            mip.row([(hi, 1)] + [(j, -c) for j, c in load], 0, INF)
            mip.row([(lo, 1)] + [(j, -c) for j, c in load], -INF, 0)
            share = shares[t.teacher_id]
            dev = mip.var(0, top, cost=w["fair_share"])
            mip.row([(dev, 1)] + [(j, -c) for j, c in load], -share, INF)
            mip.row([(dev, 1)] + [(j, c) for j, c in load], share, INF)
            for (l1, d1), (l2, d2) in hull_edges(_achievable(inst, t, cand[t.teacher_id]), share):
                # (l2-l1)*dev - (d2-d1)*load >= (l2-l1)*d1 - (d2-d1)*l1
                mip.row(
                    [(dev, l2 - l1)] + [(j, -(d2 - d1) * c) for j, c in load],
                    (l2 - l1) * d1 - (d2 - d1) * l1,
                    INF,
                )
        n = len(fair)
        mip.row([(hi, n)] + [(j, -c) for j, c in total], 0, INF)
        mip.row([(lo, n)] + [(j, -c) for j, c in total], -INF, 0)
    for bs in inst.basic_sessions:
        heads = [
            t.teacher_id
            for t in inst.teachers
            if t.homeroom == bs.group_id and (t.teacher_id, bs.slot_id) in z
        ]
        if heads:
            want = min(bs.need, len(heads))
            miss = mip.var(0, want, cost=w["homeroom"])
            mip.row([(miss, 1)] + [(z[h, bs.slot_id], 1) for h in heads], want, INF)
    for t in inst.teachers:
        for d in inst.days:
            vs = [j for s in inst.slots if inst.day(s) == d for j in tvars(t.teacher_id, s)]
            if vs:
                worked = mip.var(0, 1, cost=w["days"])
                mip.row([(worked, max(1, t.max_per_day))] + [(j, -1) for j in vs], 0, INF)
    externals = {t.teacher_id for t in inst.teachers if t.external}
    fixed_pairs = {(a.fixed_teacher, a.activity_id) for a in inst.activities if a.fixed_teacher}
    for (t, a, _s), j in v.items():
        if t in externals and (t, a) not in fixed_pairs:
            mip.cost[j] += w["external"]
    for (t, _s), j in z.items():
        if t in externals:
            mip.cost[j] += w["external"]
    for a in inst.activities:
        if a.sessions_per_week < 2:
            continue
        held = {
            d: [x[a.activity_id, s] for s in inst.allowed(a) if inst.day(s) == d] for d in inst.days
        }
        for d in inst.days:
            if d + 1 in held:
                adj = mip.var(0, 1, cost=w["adjacent_days"])
                mip.row([(adj, 1)] + [(j, -1) for j in held[d] + held[d + 1]], -1, INF)
    demand = sum(bs.need for bs in inst.basic_sessions) + sum(
        a.staff * a.sessions_per_week for a in inst.activities
    )
    all_vars = list(z.values()) + list(v.values())
    if all_vars:
        mip.row([(j, 1) for j in all_vars], demand, demand)
    return mip


def highs_solve(school: School, time_limit: float, weights: Weights | None = None) -> dict:
    """Solve the MIP with HiGHS; returns status, objective, bound, gap, seconds, first solution."""
    import highspy

    started = time.perf_counter()
    mip = build_mip(school, weights)
    build_seconds = time.perf_counter() - started
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(max(1.0, time_limit - build_seconds)))
    h.setOptionValue("threads", 1)
    n = len(mip.lb)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(mip.rows)
    lp.col_cost_ = np.array(mip.cost, dtype=np.double)
    lp.col_lower_ = np.array(mip.lb, dtype=np.double)
    lp.col_upper_ = np.array(mip.ub, dtype=np.double)
    lp.row_lower_ = np.array([r[1] for r in mip.rows], dtype=np.double)
    lp.row_upper_ = np.array([r[2] for r in mip.rows], dtype=np.double)
    starts, index, value = [0], [], []
    for coefs, _lo, _hi in mip.rows:
        for j, c in coefs.items():
            index.append(j)
            value.append(c)
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=np.double)
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(mip.rows)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
        for i in mip.integer
    ]
    h.passModel(lp)
    first: list[float] = []
    try:  # improving-solution callback: time to first feasible

        def on_improving(_event) -> None:
            if not first:
                first.append(time.perf_counter() - started)

        h.cbMipImprovingSolution.subscribe(on_improving)
    except Exception:  # older highspy: no callback API, first time left unknown
        pass
    h.run()
    seconds = time.perf_counter() - started
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    has_sol = info.primal_solution_status == 2
    objective = info.objective_function_value if has_sol else None
    bound = info.mip_dual_bound
    gap = None
    if objective is not None:
        gap = round(abs(objective - bound) / max(1.0, abs(objective)), 6)
    return {
        "status": status,
        "objective": objective,
        "bound": bound,
        "gap": gap,
        "seconds": round(seconds, 3),
        "build_seconds": round(build_seconds, 3),
        "first_solution_seconds": round(first[0], 3) if first else None,
        "columns": n,
        "rows": len(mip.rows),
    }
