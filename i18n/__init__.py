"""One translation table for every user-facing string (UI, CLI, errors).

Each area keeps its strings in ``i18n/tables/<area>.py`` as ``TEXT = {key: (zh, en)}``;
they are merged here into one table, and a key defined twice is a programming error.
Simplified Chinese is the default language.
"""

from __future__ import annotations

from importlib import import_module
from pkgutil import iter_modules

from i18n import tables

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


def _load() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in iter_modules(tables.__path__):
        module = import_module(f"{tables.__name__}.{info.name}")
        for key, pair in module.TEXT.items():
            if key in merged:
                raise KeyError(f"translation key defined twice: {key}")
            merged[key] = pair
    return merged


TABLE: dict[str, tuple[str, str]] = _load()


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The text for `key` in `lang`, formatted with `params`."""
    zh, en = TABLE[key]
    text = en if lang == "en" else zh
    return text.format(**params) if params else text


def both(key: str, **params: object) -> str:
    """Chinese and English in one line, for CLI output and logs."""
    return f"{t(key, 'zh', **params)} / {t(key, 'en', **params)}"
