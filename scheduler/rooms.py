"""Rooms for the sessions of one slot: a maximum bipartite matching.

The model counts rooms instead of choosing them (Hall's condition on nested room sets);
the rooms themselves are matched afterwards, here, both for the solver's answer and for the
warm start's placement.
"""

from __future__ import annotations

from functools import lru_cache


def match_rooms(requests: list[tuple[str, list[str]]], taken: set[str]) -> dict[str, str] | None:
    """Maximum bipartite matching (augmenting paths); None unless every request gets a room."""
    owner: dict[str, str] = {}
    options = {aid: [r for r in rooms if r not in taken] for aid, rooms in requests}

    def augment(aid: str, seen: set[str]) -> bool:
        for rid in options[aid]:
            if rid in seen:
                continue
            seen.add(rid)
            if rid not in owner or augment(owner[rid], seen):
                owner[rid] = aid
                return True
        return False

    for aid, _rooms in sorted(requests, key=lambda r: (len(options[r[0]]), r[0])):
        if not augment(aid, set()):
            return None
    return {aid: rid for rid, aid in owner.items()}


HALL_SETS = 128  # at most: room sets are few (a type and a size), their unions fewer still


def hall_sets(sets: set[frozenset[str]], limit: int = HALL_SETS) -> list[frozenset[str]]:
    """The room sets on which to count sessions against rooms (Hall's condition).

    A slot's sessions all get a room iff, for every union U of their sets, the sessions whose
    set lies inside U are no more than |U|. Unions of disjoint sets add nothing (their counts
    add up), so the sets closed under unions of intersecting pairs suffice: for sets nested
    by size within a type that is the sets themselves, and where a type's rooms and the
    largest rooms of any type cross (a lab needed by size, the two biggest rooms by any
    club), it is their union too. Capped at `limit` sets; the count is then necessary, not
    sufficient, and the rooms are still matched exactly afterwards. (Teachers' qualified
    sets are closed the same way.)
    """
    return list(_closure(frozenset(s for s in sets if s), limit))


@lru_cache(maxsize=256)  # every slot of a school asks for the same few families
def _closure(sets: frozenset[frozenset[str]], limit: int) -> tuple[frozenset[str], ...]:
    family = list(sets)
    seen = set(family)
    queue = list(family)
    while queue and len(family) < limit:
        a = queue.pop()
        for b in list(family):
            if a.isdisjoint(b) or a <= b or b <= a:
                continue  # nothing to add: disjoint, or the union is one of the two
            union = a | b
            if union not in seen:
                seen.add(union)
                family.append(union)
                queue.append(union)
                if len(family) >= limit:
                    break
    return tuple(sorted(family, key=lambda s: (len(s), sorted(s))))
