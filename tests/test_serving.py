"""Data served once at content-addressed URLs: made now (`serve_json`) or on first request (`serve_json_later`)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable

import brotli
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


def test_served_data_is_compressed_once_per_encoding_not_once_per_request(monkeypatch) -> None:
    """Each visitor's copy of a content-addressed file is the bytes made for the first (flask-compress would
    compress the megabytes of /embed's other dates again for every reader)."""
    calls: list[str] = []

    def counted(name: str, encode: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
        return lambda raw: calls.append(name) or encode(raw)

    for name, encode in list(serving.ENCODERS.items()):
        monkeypatch.setitem(serving.ENCODERS, name, counted(name, encode))
    app = page()
    payload = {"rows": [{"date": f"2024-12-{d:02}", "share": d / 31} for d in range(1, 32)] * 50}
    url = serving.serve_json(app, "/_data", "data", payload)
    client = app.server.test_client()
    answers = {
        accepted: [client.get(url, headers={"Accept-Encoding": accepted}) for _ in range(3)]
        for accepted in ("gzip, deflate, br, zstd", "gzip", "")
    }
    assert calls == ["br", "gzip", "identity"]
    decode = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda data: data}
    for responses in answers.values():
        assert len({r.data for r in responses}) == 1
        for r in responses:
            assert json.loads(decode[r.headers.get("Content-Encoding")](r.data)) == payload
            assert "Accept-Encoding" in r.headers["Vary"]
    assert [answers[a][0].headers.get("Content-Encoding") for a in answers] == ["br", "gzip", None]
