"""The store's refusals, each with an i18n key and its parameters (rendered zh / en).

Callers show `message(lang)` to a user; `str()` is both languages on one line, so a
traceback or a CLI that prints the error is readable without a translation step.
"""

from __future__ import annotations

from i18n import t


class StoreError(Exception):
    """A refusal of the store; `key` names its message in the translation table."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return f"{self.message('zh')} / {self.message('en')}"


class NotFound(StoreError, LookupError):
    """An unknown school, version, schedule or run."""


class StaleVersion(StoreError):
    """Someone saved a newer version after the caller loaded the one he edited."""


class Forbidden(StoreError, PermissionError):
    """The acting user has no right to this action on this school (or on the county)."""

    def message(self, lang: str) -> str:
        p = self.params
        return t(
            self.key,
            lang,
            user=p["user"],
            role=t(f"role.{p['role']}", lang),
            action=t(f"right.{p['action']}", lang),
            school=p["school"] or t("right.county", lang),
        )


class ImmutableRow(RuntimeError):
    """An attempt to update or delete a stored version through the ORM."""
