"""The place panel (name, holder, control history, what happened), drawn once as a plain element tree for the
app (`to_dash`, in layout.py) and for /embed (`to_html`): one renderer, two outputs.

Pure: the tree is dicts and strings; `to_html` escapes every text and attribute.
"""

from __future__ import annotations

import html
from typing import Any, TypedDict

from dashboard.i18n import direction, t
from dashboard.model import INFERRED, Faction, Place
from dashboard.render.style import ink
from dashboard.summary import HistoryRow, PlacePanel, place_name


class Node(TypedDict):
    tag: str  # an HTML tag, lower case
    props: dict[str, Any]  # className, style (a dict), href, title, lang, dir, ...
    children: list[Any]  # strings and nodes


def el(tag: str, children: Any = None, **props: Any) -> Node:
    if children is None:
        children = []
    return {"tag": tag, "props": props, "children": children if isinstance(children, list) else [children]}


def badge(faction: Faction, lang: str = "en") -> tuple[str, dict[str, str]]:
    """The holder badge's text and style (the browser sets the same two on every date change)."""
    return faction.label_in(lang), {"backgroundColor": faction.colour, "color": ink(faction.colour)}


def head(place: Place, lang: str = "en") -> list[Node]:
    """The place's name in `lang`, then its name in the other language, its kind and governorate (the same on every
    date: the browser gets each marker's with the map data, to open a tapped place's panel at once)."""
    other = "en" if lang == "ar" else "ar"
    second = place_name(place, other)
    names = [place_name(place, lang)]
    if second != names[0]:
        names += [" ", el("span", second, lang=other, dir=direction(other), className=other)]
    kind = t(f"panel.kind_{place.kind}", lang)
    return [el("h2", names), el("p", f"{kind} · {t(f'governorate.{place.governorate}', lang)}", className="quiet")]


def loading(lang: str = "en") -> list[Node]:
    """The body while the server's answer is on its way (a tap opens the panel with the head at once)."""
    return [el("p", t("panel.loading", lang), className="quiet")]


def _dot(faction: Faction) -> Node:
    return el("span", className="dot", style={"backgroundColor": faction.colour})


def _link(text: str, href: str) -> Node:
    return el("a", text, href=href, target="_blank", rel="noopener")


def _via(row: HistoryRow, lang: str) -> str:
    """How the change reached the place, in `lang` (in Arabic without the English names the data gives)."""
    if lang != "ar" or not row.via:
        return row.via
    return t("panel.inferred", lang) if row.confidence == INFERRED else t("panel.area_change", lang)


def _source_cell(row: HistoryRow, lang: str) -> list[Any]:
    """The source link, and how the change reached the place (an area event, or inferred with no source)."""
    via = _via(row, lang)
    if not row.source_url:
        return [el("span", via, className="via")]
    link = _link(row.source_title or t("panel.source_link", lang), row.source_url)
    return [link, el("span", f" · {via}", className="via")] if via else [link]


def _change(row: HistoryRow, lang: str) -> list[Any]:
    arrow = " ← " if lang == "ar" else " → "  # from the earlier holder to the later, in the reading direction
    return [_dot(row.before), row.before.label_in(lang), arrow, _dot(row.after), row.after.label_in(lang)]


def body(content: PlacePanel, lang: str = "en") -> list[Node]:
    rows = [
        el(
            "tr",
            [
                el("td", row.date.isoformat()),
                el("td", _change(row, lang)),
                el("td", t(f"panel.confidence_{row.confidence}", lang), className=f"confidence {row.confidence}"),
                el("td", _source_cell(row, lang)),
            ],
            title=row.note if lang == "en" else None,
        )
        for row in content.history
    ]
    columns = el("tr", [el("th", t(f"panel.{name}", lang)) for name in ("date", "change", "confidence", "source")])
    history = (
        el("table", [el("thead", columns), el("tbody", rows)], className="history")
        if rows
        else el("p", t("panel.no_change", lang), className="quiet")
    )
    return [el("h3", t("panel.history", lang)), history, *_summary(content, lang)]


def _summary(content: PlacePanel, lang: str) -> list[Node]:
    if content.summary is None:
        return []
    text, sources = content.summary.in_lang(lang)
    return [
        el("h3", t("panel.what_happened", lang)),
        el("p", text, className="summary"),
        el("ul", [el("li", _link(s.title, s.url)) for s in sources], className="sources"),
    ]


def to_dash(node: Any) -> Any:
    """A node as Dash html components (a string stays a string)."""
    from dash import html as dhtml  # noqa: PLC0415  (this module stays importable without the web stack)

    if isinstance(node, str):
        return node
    component = getattr(dhtml, node["tag"].capitalize())
    return component([to_dash(child) for child in node["children"]], **node["props"])


def _css(style: dict[str, str]) -> str:
    names = {"backgroundColor": "background-color", "borderColor": "border-color"}
    return ";".join(f"{names.get(k, k)}:{v}" for k, v in style.items())


def to_html(node: Any) -> str:
    """A node as HTML, every text and attribute escaped."""
    if isinstance(node, str):
        return html.escape(node)
    attrs = "".join(
        f' {"class" if k == "className" else k}="{html.escape(_css(v) if k == "style" else str(v))}"'
        for k, v in node["props"].items()
        if v not in (None, "")
    )
    return f"<{node['tag']}{attrs}>{''.join(to_html(child) for child in node['children'])}</{node['tag']}>"
