"""What an address or a command asks for (date, place, since, lang, view), read by one set of rules for the app,
/embed, the downloads, the exports and the CLI. Every reader returns what it will show and, for a part it could
not use as given, a notice saying what it shows instead.

The date rule: a date with a map is itself; a date between two maps is the earlier one (a map holds until the
next change); before the first map, the first; after the last, the last; a malformed date, the default. Pages
show the result with the notice; downloads and the CLI, which name files by date, refuse any date the rule
would change (`exact_date`).

Pure: no dash, no flask.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date

from dashboard.model import Atlas
from dashboard.summary import find_place
from dashboard.text import LANGS, t

DATE_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")
SINCE_MODES = ("day", "first")  # `since` values that name a "changes since" mode; a date names the mode "date"
ZOOM_RANGE = (4.0, 12.0)
MIN_SPAN = 0.05  # degrees: a smaller bbox shows nothing useful
View = tuple[float, float, float, float]  # west, south, east, north


def quoted(raw: str) -> str:
    """` “raw”` for a notice, if it is short plain text; else nothing: a notice never repeats markup it was sent."""
    plain = len(raw) <= 40 and raw.isprintable() and not set(raw) & set('<>&"`\\')
    return f" “{raw}”" if plain else ""


def parse_date(raw: str) -> date | None:
    """A date written YYYY-MM-DD, else None. Python also reads 20241205 and ISO weeks (2024-W49-4): one form only,
    so each view has one address (one cache entry, one link that people share)."""
    if not DATE_FORM.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def date_form(dates: Sequence[date]) -> str:
    return f"Dates are written YYYY-MM-DD, from {dates[0]} to {dates[-1]}."


def nearest(day: date, dates: Sequence[date]) -> date:
    """The date of the map shown for `day`: itself, the nearest earlier one, or the first."""
    return dates[max(0, bisect.bisect_right(dates, day) - 1)]


def read_date(raw: str | None, dates: Sequence[date], default: date, lang: str = "en") -> tuple[date, str | None]:
    """The date shown for `raw` (by the date rule above), and a notice in `lang` if it is not the date asked for."""
    if raw is None:
        return default, None
    asked = parse_date(raw)
    span = {"raw": quoted(raw), "first": dates[0], "last": dates[-1]}
    if asked is None:
        return default, t("notice.bad_date", lang, shown=default, **span)
    shown = nearest(asked, dates)
    return shown, None if shown == asked else t("notice.no_map", lang, shown=shown, **span)


def exact_date(raw: str, dates: Sequence[date]) -> date | None:
    """The date `raw` names if it has a map; None where the date rule would show another."""
    shown, notice = read_date(raw, dates, dates[-1])
    return None if notice else shown


def read_place(raw: str | None, atlas: Atlas, lang: str = "en") -> tuple[str | None, str | None]:
    """The id of the place `raw` names (its id, or a name in English or Arabic), and a notice if there is none."""
    if raw is None:
        return None, None
    found = find_place(atlas, raw) if raw else None
    return (found.id, None) if found else (None, t("notice.unknown_place", lang, raw=quoted(raw)))


def read_since(
    raw: str, dates: Sequence[date], lang: str = "en"
) -> tuple[tuple[str, str | None] | None, str | None]:
    """The "changes since" mode `raw` names: day, first, or a date (by the date rule), with a notice."""
    if raw in SINCE_MODES:
        return (raw, None), None
    if parse_date(raw) is None:
        return None, t("notice.since_form", lang, raw=quoted(raw))
    shown = nearest(parse_date(raw) or dates[0], dates)
    notice = None if shown.isoformat() == raw else t("notice.since_no_map", lang, raw=quoted(raw), shown=shown)
    return ("date", shown.isoformat()), notice


def read_lang(raw: str | None, lang: str = "en") -> tuple[str, str | None]:
    """The language `raw` names, and a notice (in `lang`) if it names none of ours."""
    if raw is None or raw in LANGS:
        return raw or LANGS[0], None
    langs = t("notice.or", lang).join(LANGS)
    return LANGS[0], t("notice.unknown_lang", lang, raw=quoted(raw), langs=langs, shown=LANGS[0])


def read_flag(args: Mapping[str, str], name: str, default: bool, notices: list[str], lang: str = "en") -> bool:
    raw = args.get(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return raw.lower() in ("1", "true", "yes", "on")
    notices.append(t("notice.flag", lang, name=name, raw=_not(raw, lang), default=int(default)))
    return default


def _not(raw: str, lang: str) -> str:
    """`, not “raw”` when `raw` may be repeated (`quoted`), else nothing."""
    return t("notice.not", lang, raw=quoted(raw)) if quoted(raw) else ""


def _numbers(raw: str, count: int) -> list[float] | None:
    try:
        values = [float(v) for v in raw.split(",")]
    except ValueError:
        return None
    return values if len(values) == count and all(math.isfinite(v) for v in values) else None


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def read_view(
    args: Mapping[str, str], limits: View, zoom_default: float, notices: list[str], lang: str = "en"
) -> View | None:
    """The view from `bbox` (west,south,east,north) or `center` (lat,lon) with `zoom`, clamped to `limits`;
    `zoom_default` is the zoom at which the whole of `limits` shows."""
    west, south, east, north = limits
    if "bbox" in args:
        if "center" in args or "zoom" in args:
            notices.append(t("notice.bbox_wins", lang))
        box = _numbers(args["bbox"], 4)
        if box is None:
            notices.append(t("notice.bbox_form", lang, raw=_not(args["bbox"], lang)))
            return None
        w, s, e, n = (_clamp(box[0], west, east), _clamp(box[1], south, north), _clamp(box[2], west, east),
                      _clamp(box[3], south, north))  # fmt: skip
        if e - w < MIN_SPAN or n - s < MIN_SPAN:
            notices.append(t("notice.bbox_empty", lang, raw=quoted(args["bbox"])))
            return None
        if (w, s, e, n) != tuple(box):
            notices.append(t("notice.bbox_clamped", lang, box=f"{w:g},{s:g},{e:g},{n:g}"))
        return w, s, e, n
    if "center" not in args and "zoom" not in args:
        return None
    centre = _numbers(args.get("center", f"{(south + north) / 2},{(west + east) / 2}"), 2)
    if centre is None:
        notices.append(t("notice.center_form", lang, raw=_not(args["center"], lang)))
        centre = [(south + north) / 2, (west + east) / 2]
    lat, lon = _clamp(centre[0], south, north), _clamp(centre[1], west, east)
    if (lat, lon) != tuple(centre):
        notices.append(t("notice.center_clamped", lang, center=f"{lat:g},{lon:g}"))
    zoom = _numbers(args.get("zoom", str(zoom_default)), 1)
    if zoom is None:
        notices.append(t("notice.zoom_form", lang, raw=_not(args["zoom"], lang), zoom=zoom_default))
        zoom = [zoom_default]
    level = _clamp(zoom[0], *ZOOM_RANGE)
    if level != zoom[0]:
        low, high = ZOOM_RANGE
        notices.append(t("notice.zoom_clamped", lang, zoom=f"{level:g}", low=f"{low:g}", high=f"{high:g}"))
    factor = 2 ** (zoom_default - level) / 2  # the whole map at the app's zoom, halved per level in
    half_lon, half_lat = (east - west) * factor, (north - south) * factor
    return lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat
