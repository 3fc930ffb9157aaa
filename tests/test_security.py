"""Headers, the callback body check and error pages on the toy atlas (security.py), and link validation (rows.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from dash import Dash
from toy import toy_atlas

from dashboard import ids
from dashboard.app import create_app
from dashboard.config import Settings
from dashboard.problems import Report
from dashboard.read_events import read_events
from dashboard.read_tables import read_summaries
from dashboard.security import check_origins, content_security_policy

ATLAS = toy_atlas()
CALLBACK = "/_dash-update-component"
FROM_URL_OUTPUTS = [
    {"id": ids.SLIDER, "property": "value"},
    {"id": ids.PLACE, "property": "data"},
    {"id": ids.NOTICE, "property": "children"},
    {"id": ids.CHANGES_MODE, "property": "value"},
    {"id": ids.CHANGES_SINCE, "property": "value"},
]
FROM_URL = ".." + "...".join(f"{o['id']}.{o['property']}" for o in FROM_URL_OUTPUTS) + ".."


@pytest.fixture(scope="module")
def app() -> Dash:
    settings = Settings(embed_origins=("'self'", "https://news.example.org", "http://127.0.0.2:8123"))
    app = create_app(settings, ATLAS)

    @app.server.route("/_test/boom")
    def boom() -> str:
        raise RuntimeError("secret detail /etc/passwd")

    return app


@pytest.fixture
def client(app: Dash) -> Any:
    return app.server.test_client()


def directives(response: Any) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";")}


def from_url(search: Any) -> dict[str, Any]:
    return {
        "output": FROM_URL,
        "outputs": FROM_URL_OUTPUTS,
        "inputs": [{"id": ids.URL, "property": "search", "value": search}],
        "changedPropIds": [f"{ids.URL}.search"],
    }


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize("path", ["/", "/?date=2024-12-01", "/_dash-layout", "/no/such/page", "/_map/data-0.json"])
def test_every_route_but_embed_has_the_strict_policy_and_refuses_framing(client: Any, app: Dash, path: str) -> None:
    response = client.get(path)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", *app.csp_hashes()]
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert policy["connect-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and response.headers["X-Frame-Options"] == "DENY"
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/embed", "/embed?date=2024-12-05&controls=0"])
def test_embed_may_be_framed_by_the_configured_origins_only(client: Any, path: str) -> None:
    response = client.get(path)
    assert directives(response)["frame-ancestors"] == ["'self'", "https://news.example.org", "http://127.0.0.2:8123"]
    assert "X-Frame-Options" not in response.headers
    assert directives(response)["default-src"] == ["'self'"]
    for other in ("/embedded", "/embed/", "/embed/x"):  # only /embed itself: below it is Dash's catch-all page
        assert client.get(other).headers["X-Frame-Options"] == "DENY"


def test_the_script_hashes_cover_the_inline_scripts_of_the_page(client: Any, app: Dash) -> None:
    html = re.sub(r"<!--.*?-->", "", client.get("/").get_data(as_text=True), flags=re.S)
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", html, re.S)
    assert inline, "the page has Dash's inline renderer script"
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in inline]
    assert set(hashes) <= set(app.csp_hashes())


def test_an_online_basemap_may_fetch_its_tiles_and_style_over_https() -> None:
    policy = content_security_policy(["'sha256-x'"], ["'none'"], remote_map=True)
    assert "connect-src 'self' https:" in policy and "img-src 'self' data: blob: https:" in policy
    assert "https:" not in content_security_policy(["'sha256-x'"], ["'none'"], remote_map=False)


@pytest.mark.parametrize("origin", ["https://a.example; script-src *", "javascript:", "example.org", "'unsafe-inline'"])
def test_an_embed_origin_that_is_not_an_origin_is_refused(origin: str) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        check_origins([origin])
    assert check_origins([]) == ("'none'",)


def test_embed_origins_come_from_the_environment() -> None:
    settings = Settings.from_env({"DASHBOARD_EMBED_ORIGINS": "https://a.example  https://b.example:8443"})
    assert settings.embed_origins == ("https://a.example", "https://b.example:8443")
    assert Settings().embed_origins == ("'self'", "https:")


# ---------------------------------------------------------------- callback bodies


def test_a_well_formed_callback_request_is_answered(client: Any) -> None:
    response = client.post(CALLBACK, json=from_url("?date=2024-12-05&place=hama"))
    assert response.status_code == 200
    assert response.get_json()["response"][ids.SLIDER]["value"] == 9


MALFORMED: list[Any] = [
    b"",
    b"not json",
    b"[1, 2]",
    b'{"output": ',
    b"{}",
    {"output": 3},
    {"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, "inputs": []},
    {**from_url("?date=2024-12-05"), "inputs": "url.search"},
    {**from_url("?date=2024-12-05"), "inputs": []},
    {**from_url("?date=2024-12-05"), "inputs": [{"id": "other", "property": "search", "value": ""}]},
    {**from_url("?date=2024-12-05"), "outputs": [{"id": "<script>", "property": "value"}]},
    {**from_url("?date=2024-12-05"), "outputs": "date-slider.value"},
    {**from_url("?date=2024-12-05"), "changedPropIds": [f"{ids.SEARCH}.value"]},
    {**from_url("?date=2024-12-05"), "changedPropIds": "url.search"},
    from_url(5),
    from_url(["?date=2024-12-05"]),
    from_url({"date": "2024-12-05"}),
    {"output": "date-label.children", "outputs": {"id": ids.DATE_LABEL, "property": "children"}, "inputs": []},
]


@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_callback_body_is_a_400_with_nothing_of_the_request_in_it(client: Any, body: Any) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.post(CALLBACK, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert b"script" not in response.data and b"Traceback" not in response.data


def callback_body(app: Dash, prop: tuple[str, str], value: Any) -> dict[str, Any]:
    """A request for the server callback that takes `prop`, with `value` for it and None for the rest."""
    key, callback = next(
        (k, c)
        for k, c in app.callback_map.items()
        if "callback" in c and prop in [(i["id"], i["property"]) for i in c["inputs"] + c["state"]]
    )
    single = not isinstance(callback["output"], list)
    declared = [callback["output"]] if single else callback["output"]
    outputs = [{"id": o.component_id, "property": o.component_property} for o in declared]

    def item(spec: dict[str, str]) -> dict[str, Any]:
        return {**spec, "value": value if (spec["id"], spec["property"]) == prop else None}

    return {
        "output": key,
        "outputs": outputs[0] if single else outputs,
        "inputs": [item(i) for i in callback["inputs"]],
        "state": [item(s) for s in callback["state"]],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in callback["inputs"]],
    }


@pytest.mark.parametrize(
    ("prop", "bad", "good"),
    [
        ((ids.SEARCH, "value"), {"id": "hama"}, "hama"),
        ((ids.PANEL_CLOSE, "n_clicks"), "1", 1),
        ((ids.SLIDER, "value"), "9", 9),
        ((ids.SLIDER, "value"), True, 9),
        ((ids.SIDE_BY_SIDE, "value"), "on", ["on"]),
        ((ids.COMPARE_MAP, "figure"), [], {"data": [1]}),
    ],
)
def test_a_value_of_the_wrong_type_for_its_component_is_a_400(
    client: Any, app: Dash, prop: tuple[str, str], bad: Any, good: Any
) -> None:
    assert client.post(CALLBACK, json=callback_body(app, prop, bad)).status_code == 400
    assert client.post(CALLBACK, json=callback_body(app, prop, good)).status_code in (200, 204)


def test_a_body_too_big_for_any_callback_is_refused(client: Any) -> None:
    body = json.dumps(from_url("?date=" + "9" * (5 * 1024 * 1024))).encode()
    assert client.post(CALLBACK, data=body, content_type="application/json").status_code == 413


# ---------------------------------------------------------------- errors


def test_an_unhandled_error_says_nothing_of_its_cause(client: Any, caplog: pytest.LogCaptureFixture) -> None:
    response = client.get("/_test/boom")
    assert response.status_code == 500 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "Internal server error\n"
    assert "secret detail" in caplog.text  # the log has it, the response does not
    assert directives(response)["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    "path",
    [
        "/download/<script>/zones.geojson",
        "/download/all/x.exe",
        "/_map/%3Cscript%3E",
        "/_dash-component-suites/<script>/x.js",  # Dash raises for a package it does not know
    ],
)
def test_not_found_pages_do_not_repeat_the_address(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and b"script" not in response.data


def test_the_app_is_not_in_debug_mode_unless_asked(app: Dash) -> None:
    assert not app.server.debug and not Settings().debug
    assert not Settings.from_env({}).debug and Settings.from_env({"DASHBOARD_DEBUG": "1"}).debug


# ---------------------------------------------------------------- analyst links (rows.py)

BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "https:/\\evil.example",
    "http://",
    "ftp://example.org/file",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_only_http_links_pass_in_events_and_summaries(tmp_path: Path, url: str) -> None:
    (tmp_path / "events.csv").write_text(
        "date,place_id,holder,confidence,source_url,source_title,published,evidence,retrospective,corroboration,note\n"
        f'2024-11-29,aleppo,hts,reported,"{url}",Report,2024-11-29,Names Aleppo,,,\n',
        encoding="utf-8",
    )
    (tmp_path / "summaries.yaml").write_text(
        f"aleppo:\n  summary: Text.\n  sources:\n    - title: Source\n      url: {json.dumps(url)}\n", encoding="utf-8"
    )
    report = Report()
    places = ATLAS.timeline.places
    factions = {f.id for f in ATLAS.timeline.factions}
    events = read_events(tmp_path, report, places, factions, ATLAS.dates[0], ATLAS.dates[-1])
    summaries = read_summaries(tmp_path, report, {p.id for p in places})
    assert events == () and summaries == {}
    assert [(p.file, p.rule) for p in report.problems] == [("events.csv", "schema"), ("summaries.yaml", "schema")]
    assert all("http(s) URL" in p.message for p in report.problems)
