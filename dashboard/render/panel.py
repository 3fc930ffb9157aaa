"""The place panel (name, holder, control history, what happened), drawn once as a plain element tree for the
app (`to_dash`, in layout.py) and for /embed (`to_html`): one renderer, two outputs.

Pure: the tree is dicts and strings; `to_html` escapes every text and attribute.
"""

from __future__ import annotations

import html
from typing import Any, TypedDict

from dashboard.model import Faction
from dashboard.render.style import ink
from dashboard.summary import HistoryRow, PlacePanel


class Node(TypedDict):
    tag: str  # an HTML tag, lower case
    props: dict[str, Any]  # className, style (a dict), href, title, lang, dir, ...
    children: list[Any]  # strings and nodes


def el(tag: str, children: Any = None, **props: Any) -> Node:
    if children is None:
        children = []
    return {"tag": tag, "props": props, "children": children if isinstance(children, list) else [children]}


def badge(faction: Faction) -> tuple[str, dict[str, str]]:
    """The holder badge's text and style (the browser sets the same two on every date change)."""
    return faction.label, {"backgroundColor": faction.colour, "color": ink(faction.colour)}


def head(content: PlacePanel) -> list[Node]:
    place = content.place
    return [
        el("h2", [place.name_en, " ", el("span", place.name_ar, lang="ar", dir="rtl", className="ar")]),
        el("p", f"{place.kind.replace('_', ' ').capitalize()} · {place.governorate}", className="quiet"),
    ]


def _dot(faction: Faction) -> Node:
    return el("span", className="dot", style={"backgroundColor": faction.colour})


def _link(text: str, href: str) -> Node:
    return el("a", text, href=href, target="_blank", rel="noopener")


def _source_cell(row: HistoryRow) -> list[Any]:
    """The source link, and how the change reached the place (an area event, or inferred with no source)."""
    if not row.source_url:
        return [el("span", row.via, className="via")]
    link = _link(row.source_title or "source", row.source_url)
    return [link, el("span", f" · {row.via}", className="via")] if row.via else [link]


def body(content: PlacePanel) -> list[Node]:
    rows = [
        el(
            "tr",
            [
                el("td", row.date.isoformat()),
                el("td", [_dot(row.before), row.before.label, " → ", _dot(row.after), row.after.label]),
                el("td", row.confidence, className=f"confidence {row.confidence}"),
                el("td", _source_cell(row)),
            ],
            title=row.note,
        )
        for row in content.history
    ]
    columns = el("tr", [el("th", name) for name in ("Date", "Change", "Confidence", "Source")])
    history = (
        el("table", [el("thead", columns), el("tbody", rows)], className="history")
        if rows
        else el("p", "No change of hands in this period.", className="quiet")
    )
    return [el("h3", "Control history"), history, *_summary(content)]


def _summary(content: PlacePanel) -> list[Node]:
    if content.summary is None:
        return []
    sources = [el("li", _link(s.title, s.url)) for s in content.summary.sources]
    return [
        el("h3", "What happened"),
        el("p", content.summary.text, className="summary"),
        el("ul", sources, className="sources"),
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
