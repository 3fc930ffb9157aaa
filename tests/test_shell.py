"""The page shell (dashboard/shell.py): a Dash component tree written as the HTML React makes of it, in the index page
of each language. Its boxes are checked against React's in Chromium by tests/test_browser_poster.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from dash import dcc, html

from dashboard import ids
from dashboard.shell import page_shell, static_html


def test_html_components_are_written_as_their_elements_with_react_s_attribute_names_and_styles() -> None:
    tree = html.Div(
        id="x",
        className="a b",
        style={"backgroundColor": "red", "marginTop": 4, "opacity": 0.5, "zIndex": 2, "left": 0},
        children=[
            '1 < 2 & "quoted"',
            html.Span("y", hidden=True, title="it's"),
            html.Label("n", htmlFor="i", tabIndex=0, hidden=False),
            html.Img(src="/a.png", alt=""),
            html.Button("go", n_clicks=3),
            7,
            None,
        ],
    )
    assert static_html(tree) == (
        '<div id="x" class="a b" style="background-color:red;margin-top:4px;opacity:0.5;z-index:2;left:0">'
        '1 &lt; 2 &amp; "quoted"'
        '<span hidden title="it&#x27;s">y</span>'
        '<label for="i" tabindex="0">n</label>'
        '<img alt="" src="/a.png">'
        "<button>go</button>"
        "7</div>"
    )


def test_aria_and_data_attributes_are_written_as_given() -> None:
    written = static_html(html.Span("y", **{"aria-label": "a & b", "data-k": "v"}))
    assert written.startswith("<span ") and written.endswith(">y</span>")
    assert set(re.findall(r'[\w-]+="[^"]*"', written)) == {'aria-label="a &amp; b"', 'data-k="v"'}  # any order


def test_dcc_components_are_boxes_without_their_ids_and_stores_are_nothing() -> None:
    tree = html.Div(
        [
            dcc.Graph(id="g", className="map-graph", figure={}),
            dcc.Store(id="s", data={"a": 1}),
            dcc.Location(id="u"),
            dcc.Interval(id="t"),
            dcc.Slider(id="sl", className="slider", min=0, max=3, value=1),
        ]
    )
    assert static_html(tree) == '<div><div class="map-graph"></div><div class="slider"></div></div>'


def test_option_lists_and_dropdowns_are_written_as_dcc_draws_them_with_the_chosen_option() -> None:
    options = [{"label": "1×", "value": 1}, {"label": "2×", "value": 2}]
    radios = dcc.RadioItems(id="r", className="speed", options=options, value=2, inline=True)
    written = static_html(radios)
    assert written.startswith('<div class="dash-options-list dash-radioitems speed">')
    labels = re.findall(r'<label class="([^"]+)">.*?<input ([^>]*)>.*?<span>([^<]*)</span>', written)
    box = 'type="radio" class="dash-options-list-option-checkbox"'
    assert labels == [
        ("dash-options-list-option dash-radioitems-inline", box, "1×"),
        ("dash-options-list-option selected dash-radioitems-inline", box + " checked", "2×"),
    ]
    checks = static_html(dcc.Checklist(id="c", options=["on"], value=[]))
    assert 'type="checkbox"' in checks and "checked" not in checks and "-inline" not in checks

    empty = static_html(dcc.Dropdown(id="d", className="search", options=[], placeholder="Find <a> place"))
    assert 'class="dash-dropdown search"' in empty
    assert '<span class="dash-dropdown-value dash-dropdown-placeholder">Find &lt;a&gt; place</span>' in empty
    chosen = static_html(dcc.Dropdown(id="d", options=[{"label": "26 Nov", "value": "2024-11-26"}], value="2024-11-26"))
    assert '<span class="dash-dropdown-value-item"><span>26 Nov</span></span>' in chosen
    assert "placeholder" not in chosen


def test_a_component_that_is_not_dash_s_is_refused() -> None:
    with pytest.raises(TypeError, match="shell: cannot write object as HTML"):
        static_html(html.Div(children=[object()]))  # type: ignore[list-item]


def test_the_shell_is_the_page_s_app_part_only_inert_and_hidden_from_screen_readers() -> None:
    page = html.Div([html.Div(className="app", children=html.Div(id=ids.MAP_BOX)), html.Section("analytics")])
    assert page_shell(page) == (
        f'<div id="{ids.PAGE_SHELL}" class="page-shell" inert aria-hidden="true">'
        f'<div><div class="app"><div id="{ids.MAP_BOX}"></div></div></div></div>'
    )


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_index_page_carries_its_language_s_shell_after_dash_s_entry_point_and_before_its_scripts(
    client: Any, lang: str
) -> None:
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    entry, shell = page.index('id="react-entry-point"'), page.index(f'id="{ids.PAGE_SHELL}"')
    assert entry < shell < page.index("<footer>")  # Dash's scripts are in its footer
    assert page.count(f'id="{ids.MAP_BOX}"') == 1
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert f'<h1 title="{title}">{title}</h1>' in page  # the shell is in the page's language
