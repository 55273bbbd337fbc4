"""Rooms for the sessions of one slot: a maximum bipartite matching.

The model counts rooms instead of choosing them (Hall's condition on nested room sets);
the rooms themselves are matched afterwards, here, both for the solver's answer and for the
warm start's placement.
"""

from __future__ import annotations


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
