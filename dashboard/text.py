"""Words and numbers as the map writes them, in each language: dates, month names, labels, shares, areas.

Every word comes from the catalogue (`dashboard.i18n`, dashboard/locale/<lang>.yaml). Digits are Western (0-9) in
both languages, as most Arabic news sites write data; a percentage is the number then "%" in both, and in Arabic a
number is isolated (U+2068 … U+2069) so that right-to-left text around it never reorders it.

Pure: imports nothing of the project but the catalogue. Every renderer takes its text from here (through the map
spec).
"""

from __future__ import annotations

from datetime import date

from dashboard.i18n import LANGS, direction, section, t

__all__ = ["LANGS", "direction", "t"]

AR_MONTHS = tuple(t(f"date.month_{m}", "ar") for m in range(1, 13))
TEXT = {lang: {**section("map", lang), "km": t("number.km", lang)} for lang in LANGS}


def date_text(day: date, lang: str = "en") -> str:
    """`day` in full: "5 December 2024", "5 كانون الأول 2024"."""
    return t("date.long", lang, day=day.day, month=t(f"date.month_{day.month}", lang), year=day.year)


def short_text(day: date, lang: str = "en") -> str:
    """`day` without its year: "5 Dec", "5 كانون الأول"."""
    return t("date.short", lang, day=day.day, month=t(f"date.month_short_{day.month}", lang))


def long_date(day: date) -> str:
    return date_text(day)


def short_date(day: date) -> str:
    return short_text(day)


def as_of_text(day: date, lang: str = "en") -> str:
    return t("map.as_of", lang, date=date_text(day, lang))


def rtl(text: str, lang: str) -> str:
    """Arabic text as a right-to-left embedding, so numbers and signs inside it keep their place."""
    return f"\u202b{text}\u202c" if lang == "ar" else text


def percent(share: float, lang: str = "en") -> str:
    return t("number.percent", lang, value=f"{share * 100:.1f}")


def km2(area: float, lang: str = "en") -> str:
    return t("number.km2", lang, value=f"{area:,.0f}")


def claimed_part(fraction: float, lang: str = "en") -> str:
    """ " · 1.2% of it claimed": the part of a faction's ground that is only claimed, or "" when none is (under
    0.05 %, which prints as 0.0%)."""
    return f" · {t('map.of_it_claimed', lang, share=percent(fraction, lang))}" if fraction >= 0.0005 else ""


def share_label(label: str, share: float, claimed: float = 0.0, lang: str = "en") -> str:
    """A faction's entry in the legend and the key: its name, its share of the area and, apart, how much of its
    ground is only claimed (`claimed`: a fraction of the faction's own ground)."""
    return f"{label} · {percent(share, lang)}{claimed_part(claimed, lang)}"
