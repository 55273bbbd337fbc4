"""Problems found in input: each names where it is and says what is wrong in both languages."""

from __future__ import annotations

from dataclasses import dataclass, field

from i18n import t

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One problem, located the way a principal finds it in Excel.

    `sheet` is the sheet (or CSV file) name as written, `row` the spreadsheet's own row
    number (the line number for CSV), `column` the header as written.
    """

    severity: str
    code: str
    params: tuple[tuple[str, object], ...] = ()
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def message(self, lang: str = "zh") -> str:
        return t(self.code, lang, **dict(self.params))

    @property
    def zh(self) -> str:
        return self.message("zh")

    @property
    def en(self) -> str:
        return self.message("en")

    def where(self) -> str:
        parts = [p for p in (self.file, self.sheet) if p]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def render(self) -> str:
        """One line for the terminal: severity, place, value, Chinese / English."""
        value = f" [{self.value}]" if self.value not in (None, "") else ""
        label = t(f"severity.{self.severity}", "zh") + "/" + self.severity
        return f"{label} {self.where()}{value}: {self.zh} / {self.en}"


def problem(severity: str, code: str, **kw: object) -> Problem:
    """Build a Problem; location keywords are split from message parameters."""
    loc_keys = ("file", "sheet", "row", "column", "value")
    loc = {k: kw.pop(k) for k in loc_keys if k in kw}
    if loc.get("value") is not None:
        loc["value"] = str(loc["value"])
    return Problem(severity=severity, code=code, params=tuple(sorted(kw.items())), **loc)


@dataclass
class Problems:
    """An accumulating list: validation collects every problem, not just the first."""

    items: list[Problem] = field(default_factory=list)

    def error(self, code: str, **kw: object) -> None:
        self.items.append(problem(ERROR, code, **kw))

    def warning(self, code: str, **kw: object) -> None:
        self.items.append(problem(WARNING, code, **kw))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors
