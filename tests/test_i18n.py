"""The catalogues (dashboard/locale/<lang>.yaml): every key in every language, with the same {fields}."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dashboard import i18n, text

LATIN = re.compile(r"[A-Za-z]")
# Arabic entries that may hold Latin letters: formats and names that stay as written (YYYY-MM-DD, CSV, GeoJSON).
LATIN_ALLOWED = {"notice.bad_date", "analytics.licence_after", "analytics.zones_day", "analytics.zones_series",
                 "analytics.places_day", "analytics.places_series", "analytics.events_day", "analytics.events_series",
                 "analytics.areas_day", "analytics.areas_series", "analytics.coverage", "lang.dir", "page.close",
                 "plotly.Download plot as a PNG", "download.what_areas", "download.sources_zones",
                 "download.sources_places", "download.sources_events", "download.sources_areas",
                 "download.provenance", "notice.since_form", "notice.flag", "notice.bbox_wins", "notice.bbox_form",
                 "notice.bbox_empty", "notice.bbox_clamped", "notice.center_form", "notice.center_clamped",
                 "notice.zoom_form", "notice.zoom_clamped"}  # fmt: skip  (download.*: column, file and source names,
# as written; notice.*: the address's parameter names and values, which stay as typed)


def problems(directory: Path) -> list[str]:
    """What is wrong between the catalogues in `directory`: keys missing in a language, fields that differ."""
    books = {lang: i18n.catalogue(lang, directory) for lang in i18n.LANGS}
    keys = set().union(*books.values())
    out = []
    for key in sorted(keys):
        missing = [lang for lang, book in books.items() if key not in book]
        if missing:
            out.append(f"{key}: missing in {', '.join(missing)}")
            continue
        if len({i18n.fields(book[key]) for book in books.values()}) > 1:
            out.append(f"{key}: fields differ")
    return out


def test_every_key_is_in_every_language_with_the_same_fields() -> None:
    assert problems(i18n.LOCALE_DIR) == []


def test_a_key_missing_in_one_language_fails(tmp_path: Path) -> None:
    for lang in i18n.LANGS:
        shutil.copy(i18n.LOCALE_DIR / f"{lang}.yaml", tmp_path / f"{lang}.yaml")
    ar = tmp_path / "ar.yaml"
    ar.write_text(ar.read_text(encoding="utf-8").replace("  close: إغلاق لوحة المكان (Esc)\n", ""), encoding="utf-8")
    en = tmp_path / "en.yaml"
    en.write_text(en.read_text(encoding="utf-8").replace('as_of: "As of {date}"', 'as_of: "As of {day}"'), "utf-8")
    assert problems(tmp_path) == ["map.as_of: fields differ", "page.close: missing in ar"]


def test_arabic_entries_are_arabic() -> None:
    """No English left in the Arabic catalogue, beyond formats and file types that stay as written."""
    words = {k: re.sub(r"\{\w+\}|<b>|</b>", "", v) for k, v in i18n.catalogue("ar").items()}
    latin = {k: v for k, v in words.items() if LATIN.search(v) and k not in LATIN_ALLOWED}
    assert latin == {}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_entry_formats_with_its_fields(lang: str) -> None:
    for key, entry in i18n.catalogue(lang).items():
        assert isinstance(i18n.t(key, lang, **dict.fromkeys(i18n.fields(entry), "x")), str)


def test_digits_are_western_and_percentages_read_the_same_way_in_both_languages() -> None:
    """One convention: Western digits, the number then %, isolated in Arabic (U+2068 … U+2069)."""
    assert text.percent(0.2351) == "23.5%"
    assert text.percent(0.2351, "ar") == "\u206823.5%\u2069"
    assert text.km2(12345.4, "ar") == "\u206812,345\u2069 كم²"
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", "".join(i18n.catalogue("ar").values()))


def test_dates_in_arabic_use_the_levantine_month_names() -> None:
    from datetime import date

    assert text.date_text(date(2024, 12, 5), "ar") == "5 كانون الأول 2024"
    assert text.long_date(date(2024, 12, 5)) == "5 December 2024"
    assert text.short_date(date(2024, 12, 5)) == "5 Dec"
