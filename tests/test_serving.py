"""Data served once at content-addressed URLs: made now (`serve_json`) or on first request (`serve_json_later`)."""

from __future__ import annotations

import json

from dash import Dash, html
from toy import toy_atlas

from dashboard import analytics, serving


def page() -> Dash:
    app = Dash(__name__)
    app.layout = html.Div()
    return app


def test_a_payload_made_later_is_made_once_at_a_url_named_by_what_it_is_made_from() -> None:
    app = page()
    made: list[int] = []

    def make() -> dict[str, int]:
        made.append(1)
        return {"n": len(made)}

    url = serving.serve_json_later(app, "/_later", "later", b"inputs v1", make)
    other = serving.serve_json_later(page(), "/_later", "later", b"inputs v2", make)
    again = serving.serve_json_later(page(), "/_later", "later", b"inputs v1", make)
    assert url == again != other and url.startswith("/_later/data-")
    assert made == []  # nothing made before it is asked for
    client = app.server.test_client()
    first = client.get(url)
    assert json.loads(first.data) == {"n": 1} and first.headers["Cache-Control"] == serving.IMMUTABLE
    assert json.loads(client.get(url).data) == {"n": 1} and made == [1]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get("/_later/data-0000000000000000.json").status_code == 404


def test_warm_makes_it_before_any_request() -> None:
    app = page()
    made: list[int] = []
    serving.serve_json_later(app, "/_later", "later", b"k", lambda: made.append(1) or {})
    serving.warm(app.server)
    assert made == [1]


def test_analytics_leaves_the_polygon_overlays_until_they_are_asked_for() -> None:
    numbers = analytics.compute(toy_atlas())
    assert "changes" not in vars(numbers) and "regions" not in vars(numbers)
    assert len(numbers.changes) == len(numbers.dates) * (len(numbers.dates) - 1) // 2
    assert numbers.regions[numbers.dates[0]][-1].name == analytics.COUNTRY
