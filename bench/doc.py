"""The benchmarks page: each benchmark owns one `## ` section of docs/benchmarks.md and
rewrites only that one, so the figures of every benchmark stay side by side."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(text: str, after: str | None = None, path: Path = DOC) -> None:
    """Replace the section `text` starts with (its `## ` heading line, up to the next `## `
    heading or the end); a new section goes after the section headed `after`, else at the
    end."""
    heading = text.split("\n", 1)[0]
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = text.strip("\n") + "\n\n"
    found = _section(heading, old)
    if found:
        new = old[: found.start()] + section + old[found.end() :]
    else:
        prev = _section(after, old) if after else None
        at = prev.end() if prev else len(old)
        new = old[:at].rstrip("\n") + "\n\n" + section + old[at:]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def _section(heading: str, text: str) -> re.Match[str] | None:
    return re.search(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
