"""Errors of the compensation engine: an i18n key plus parameters, rendered in both languages."""

from __future__ import annotations

from domain.problems import Problem, Problems
from i18n import both, t


class CompensationError(Exception):
    """A stop condition a bursar must read: the budget cannot meet the rules, bad input.

    `key` is an i18n key (``comp.*``); `params` fill it; `problems` lists located input
    problems (sheet, row, column) when the error comes from reading evidence or policy.
    """

    def __init__(self, key: str, problems: Problems | None = None, **params: object) -> None:
        self.key = key
        self.params = params
        self.problems = problems or Problems()
        super().__init__(self.render())

    def message(self, lang: str = "zh") -> str:
        return t(self.key, lang, **self.params)

    def render(self) -> str:
        lines = [both(self.key, **self.params)]
        lines += [p.render() for p in self.problems.errors]
        return "\n".join(lines)

    @property
    def located(self) -> list[Problem]:
        return list(self.problems.errors)
