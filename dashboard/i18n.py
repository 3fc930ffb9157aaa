"""The words of the app, one catalogue per language: dashboard/locale/<lang>.yaml, which a translator edits.

`t(key, lang, **fields)` is a catalogue entry ("section.name") with its `{fields}` filled in. Every key exists in
every language with the same fields (tests/test_i18n.py). Pure: reads its own catalogue files, nothing else.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Any

import yaml

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGS = ("en", "ar")
RTL = frozenset({"ar"})


def _flat(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in tree.items():
        if not isinstance(name, str):  # YAML reads off, on, yes, no unquoted as booleans
            raise ValueError(f"catalogue key {prefix}{name!r} is not text: quote it")
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            out.update(_flat(value, f"{key}."))
        else:
            out[key] = str(value)
    return out


@functools.cache
def catalogue(lang: str, directory: Path = LOCALE_DIR) -> dict[str, str]:
    """Every entry of `lang`'s catalogue, keyed "section.name"."""
    with (directory / f"{lang}.yaml").open(encoding="utf-8") as file:
        return _flat(yaml.safe_load(file))


def fields(entry: str) -> frozenset[str]:
    """The names of the `{fields}` an entry takes."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(entry) if name)


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The entry `key` in `lang`, its fields filled in with `values`."""
    entry = catalogue(lang if lang in LANGS else LANGS[0])[key]
    return entry.format(**values) if values else entry


def direction(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


def section(name: str, lang: str) -> dict[str, str]:
    """The entries of one section, by their names within it (for the browser: the payload or constants)."""
    prefix = f"{name}."
    return {k[len(prefix) :]: v for k, v in catalogue(lang).items() if k.startswith(prefix)}


def plotly_config(lang: str) -> dict[str, Any]:
    """A Plotly config's `locale` and `locales` for `lang`: its modebar's words and month names."""
    months = [t(f"date.month_{m}", lang) for m in range(1, 13)]
    short = [t(f"date.month_short_{m}", lang) for m in range(1, 13)]
    locale = {"dictionary": section("plotly", lang), "format": {"months": months, "shortMonths": short}}
    return {"locale": lang, "locales": {lang: locale}}
