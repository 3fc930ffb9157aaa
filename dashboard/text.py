"""Words and numbers as the map writes them, in each language: dates, month names, labels, shares, areas.

Pure: imports nothing of the project but the model. Every renderer takes its text from here (through the map spec).
"""

from __future__ import annotations

from datetime import date

LANGS = ("en", "ar")
AR_MONTHS = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
TEXT = {
    "en": {
        "title": "Who controls what in Syria",
        "legend": "<b>Control</b> (share of area)",
        "km": "km",
        "claimed": "Claimed only — one side's claim, not confirmed",
        "of_it_claimed": "{share} of it claimed",
        "claimed_title": "Claimed only",
        "as_of": "As of {date}",
        "play": "▶ Play",
        "pause": "❚❚ Pause",
    },
    "ar": {
        "title": "خريطة السيطرة في سوريا",
        "legend": "<b>السيطرة</b> (نسبة المساحة)",
        "km": "كم",
        "claimed": "ادعاء فقط — ادعاء أحد الطرفين دون تأكيد",
        "of_it_claimed": "منها {share} ادعاء فقط",
        "claimed_title": "ادعاء فقط",
        "as_of": "في {date}",
        "play": "▶ تشغيل",
        "pause": "❚❚ إيقاف",
    },
}


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


def date_text(day: date, lang: str = "en") -> str:
    return f"{day.day} {AR_MONTHS[day.month - 1]} {day.year}" if lang == "ar" else long_date(day)


def as_of_text(day: date, lang: str = "en") -> str:
    return TEXT[lang]["as_of"].format(date=date_text(day, lang))


def rtl(text: str, lang: str) -> str:
    """Arabic text as a right-to-left embedding, so numbers and signs inside it keep their place."""
    return f"\u202b{text}\u202c" if lang == "ar" else text


def percent(share: float) -> str:
    return f"{share:.1%}"


def km2(area: float) -> str:
    return f"{area:,.0f} km²"


def claimed_part(fraction: float, lang: str = "en") -> str:
    """ " · 1.2% of it claimed": the part of a faction's ground that is only claimed, or "" when none is (under
    0.05 %, which prints as 0.0%)."""
    return f" · {TEXT[lang]['of_it_claimed'].format(share=percent(fraction))}" if fraction >= 0.0005 else ""


def share_label(label: str, share: float, claimed: float = 0.0, lang: str = "en") -> str:
    """A faction's entry in the legend and the key: its name, its share of the area and, apart, how much of its
    ground is only claimed (`claimed`: a fraction of the faction's own ground)."""
    return f"{label} · {percent(share)}{claimed_part(claimed, lang)}"
