"""The page as static HTML, in the index page itself: what a reader sees while Dash's scripts load.

Dash draws nothing until its scripts have run and its layout has come back from the server (0.5-0.8 s on a desktop,
seconds on a phone). The app's own part of the layout (`layout.page`'s `.app`) is written here as the HTML React
will make of it, so that the header, the key, the date controls and the map's box are on the page as soon as it is
parsed, and assets/poster.js draws the opening date into that box as soon as the map data has arrived. The shell
lies over React's page (`assets/style.css` `.page-shell`), inert and hidden from screen readers, and assets/map.js
removes it, moving the poster into React's map box, once React has drawn the page: the same boxes, so nothing moves.

Dash's html components are written as their elements. Of dcc's, the radio items, checklists and dropdowns are
written as dcc 4.x draws them (they take room in rows of controls: `tests/test_browser_poster.py` checks that every
box stays where it was when React's page replaces the shell, at 1280 and 390 px, in English and Arabic); the others
are empty boxes with their class, as React draws them before their scripts arrive, the page's CSS keeping their room
(the slider's). dcc's ids are left out (React's elements carry them); html elements keep theirs, for the poster.
The index page also lists the app's scripts before React's and Dash's (`assets_first`).
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Callable
from typing import Any

from dash import Dash
from dash.development.base_component import Component

from dashboard import ids

_HTML_NAMESPACE = "dash_html_components"
_NOT_ATTRIBUTES = frozenset(
    {"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "key", "loading_state", "setProps"}
)
_RENAMED = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "hrefLang": "hreflang"}
_INVISIBLE = frozenset({"Store", "Location", "Interval"})  # dcc components that draw nothing
_OPTION_LISTS = {"RadioItems": ("radioitems", "radio"), "Checklist": ("checklist", "checkbox")}
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_UNITLESS = frozenset({"flex", "flexGrow", "flexShrink", "fontWeight", "lineHeight", "opacity", "order", "zIndex"})


def page_shell(page: Component) -> str:
    """The page `layout.page` made, in the shell's element: its `.app` (its first child) in the nesting React gives
    it under its entry point. What follows `.app` (the analytics) is below the fold and left to React."""
    app_part = page.children[0]
    inner = static_html(app_part)
    return f'<div id="{ids.PAGE_SHELL}" class="page-shell" inert aria-hidden="true"><div>{inner}</div></div>'


def install(app: Dash) -> None:
    """Dash's index page with the app's scripts first (`assets_first`)."""
    interpolate: Callable[..., str] = app.interpolate_index

    def interpolate_index(**parts: str) -> str:
        return interpolate(**{**parts, "scripts": assets_first(parts["scripts"], app.get_asset_url(""))})

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]


def assets_first(scripts: str, assets_url: str) -> str:
    """Dash's script tags (`{%scripts%}`) with the app's own scripts (under `assets_url`) moved before React's and
    Dash's, each group in its order: the first paint's scripts run, and the map data is read, while the browser is
    still fetching and evaluating Dash's (0.5 MB of script); none of them needs React or Dash when it runs."""
    tags = [line for line in scripts.splitlines() if line.strip()]
    ours = [tag for tag in tags if f'src="{assets_url}' in tag]
    return "\n".join([*ours, *(tag for tag in tags if tag not in ours)])


def static_html(node: Any) -> str:
    """A Dash component tree as HTML: html components as their elements, others as empty boxes."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return html_text.escape(str(node), quote=False)
    if isinstance(node, (list, tuple)):
        return "".join(static_html(child) for child in node)
    if not isinstance(node, Component):
        raise TypeError(f"shell: cannot write {type(node).__name__} as HTML")
    props = node.to_plotly_json()["props"]
    if node._namespace != _HTML_NAMESPACE:
        if node._type in _INVISIBLE:
            return ""
        if node._type in _OPTION_LISTS:
            return _option_list(node._type, props)
        if node._type == "Dropdown":
            return _dropdown(props)
        return f"<div{_attributes({'className': props.get('className')})}></div>"
    tag = node._type.lower()
    attributes = _attributes({k: v for k, v in props.items() if k not in _NOT_ATTRIBUTES})
    if tag in _VOID:
        return f"<{tag}{attributes}>"
    return f"<{tag}{attributes}>{static_html(props.get('children'))}</{tag}>"


def _options(props: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(value, label) of each option, in any of the forms dcc takes them."""
    options = props.get("options") or []
    if isinstance(options, dict):
        return list(options.items())
    return [(o.get("value"), o.get("label")) if isinstance(o, dict) else (o, o) for o in options]


def _option_list(kind: str, props: dict[str, Any]) -> str:
    """A RadioItems or Checklist as dcc draws it (dash 4.x): its options take room in a row of controls."""
    name, input_type = _OPTION_LISTS[kind]
    chosen = props.get("value")
    chosen = set(chosen) if isinstance(chosen, list) else {chosen}
    inline = f" dash-{name}-inline" if props.get("inline") else ""
    labels = []
    for value, label in _options(props):
        checked = value in chosen
        box = _attributes({"type": input_type, "className": "dash-options-list-option-checkbox", "checked": checked})
        labels.append(
            f'<label class="dash-options-list-option{" selected" if checked else ""}{inline}">'
            f'<span class="dash-options-list-option-wrapper"><input{box}></span>'
            f'<span class="dash-options-list-option-text"><span>{static_html(label)}</span></span></label>'
        )
    classes = " ".join(filter(None, ["dash-options-list", f"dash-{name}", props.get("className")]))
    return f'<div class="{html_text.escape(classes)}">{"".join(labels)}</div>'


def _dropdown(props: dict[str, Any]) -> str:
    """A Dropdown's closed box as dcc draws it (dash 4.x), with its placeholder or its chosen option."""
    labels = dict(_options(props))
    value = props.get("value")
    if isinstance(value, list) or value not in labels:
        placeholder = static_html(props.get("placeholder"))
        shown = f'<span class="dash-dropdown-value dash-dropdown-placeholder">{placeholder}</span>'
    else:
        item = f'<span class="dash-dropdown-value-item"><span>{static_html(labels[value])}</span></span>'
        shown = f'<span class="dash-dropdown-value">{item}</span>'
    box = _attributes({"className": " ".join(filter(None, ["dash-dropdown", props.get("className")]))})
    return (
        f'<div class="dash-dropdown-wrapper"><button type="button"{box}>'
        f'<span class="dash-dropdown-grid-container dash-dropdown-trigger">{shown}</span></button></div>'
    )


def _attributes(props: dict[str, Any]) -> str:
    parts = []
    for prop, value in props.items():
        if value is None or value is False:
            continue
        if prop == "id" and not isinstance(value, str):
            continue  # a pattern-matching id: React writes it as JSON, and nothing here looks it up
        name = _RENAMED.get(prop, prop)
        written = _style(value) if name == "style" else value
        if written is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{html_text.escape(str(written), quote=True)}"')
    return "".join(parts)


def _style(style: dict[str, Any]) -> str:
    return ";".join(f"{_kebab(name)}:{_css_value(name, value)}" for name, value in style.items())


def _kebab(name: str) -> str:
    return name if name.startswith("--") else re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)


def _css_value(name: str, value: Any) -> str:
    """As React writes a style value: numbers are px, but for the unitless properties."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name not in _UNITLESS and value != 0:
        return f"{value}px"
    return str(value)
