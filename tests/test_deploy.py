"""Scale-out as the README's "Deploying" section says: no per-user state, interchangeable servers, the gunicorn
settings, and the section itself (its command and its load-test table)."""

from __future__ import annotations

import re
import runpy
from datetime import date
from typing import Any

import pytest
from toy import toy_atlas

from dashboard import ids
from dashboard.app import create_app
from dashboard.config import PROJECT_ROOT, Settings

ATLAS = toy_atlas()
ASKED = "?date=2024-12-05&place=hama"


def from_url(client: Any) -> dict[str, Any]:
    """The request body the page sends for the address callback, built from what the server says it is
    (/_dash-dependencies), so a change to that callback cannot leave this test asking for nothing."""
    dependencies = client.get("/_dash-dependencies").get_json()
    callback = next(
        d for d in dependencies if {"id": ids.URL, "property": "search"} in d["inputs"] and not d["clientside_function"]
    )
    outputs = [part.rsplit(".", 1) for part in callback["output"].strip(".").split("...")]
    return {
        "output": callback["output"],
        "outputs": [{"id": name, "property": prop} for name, prop in outputs],
        "inputs": [{"id": ids.URL, "property": "search", "value": ASKED}],
        "changedPropIds": [f"{ids.URL}.search"],
        "state": [],
    }


@pytest.fixture(scope="module")
def machines() -> list[Any]:
    """Two servers built apart from the same data, as two machines behind a load balancer would be."""
    return [create_app(Settings(), ATLAS).server.test_client() for _ in range(2)]


def test_any_server_answers_any_request_of_a_page_another_one_served(machines: list[Any]) -> None:
    first, second = machines
    layout = first.get("/_dash-layout").get_data(as_text=True).replace("\\u002f", "/")
    urls = re.findall(r"/_(?:map|analytics)/data-[0-9a-f]{16}\.json", layout)
    assert len(urls) == 2
    for url in urls:  # content-hashed: the same data has the same address everywhere
        assert second.get(url).data == first.get(url).data
    body = from_url(first)
    answers = [machine.post("/_dash-update-component", json=body) for machine in machines]
    assert [answer.status_code for answer in answers] == [200, 200]
    response = answers[0].get_json()["response"]
    assert response[ids.SLIDER]["value"] == ATLAS.dates.index(date(2024, 12, 5))
    assert response[ids.PLACE]["data"] == "hama"
    assert answers[1].get_json() == answers[0].get_json()


@pytest.mark.parametrize("path", ["/", "/embed", "/_dash-layout", "/_dash-dependencies"])
def test_no_response_sets_a_cookie(machines: list[Any], path: str) -> None:
    assert "Set-Cookie" not in machines[0].get(path).headers
    assert "Set-Cookie" not in machines[0].post("/_dash-update-component", json=from_url(machines[0])).headers


def test_gunicorn_settings() -> None:
    config = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "dashboard.live_data:server"
    assert config["workers"] == 4 and config["preload_app"] is True
    assert config["bind"] == ["127.0.0.1:8050"]
    assert not config.get("reload") and "debug" not in config


def test_the_readme_says_how_to_deploy_and_what_the_load_test_measured() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deploying", 1)[1].split("\n## ", 1)[0]
    for needed in ("gunicorn -c gunicorn.conf.py", "python bench/load.py", "| p50 ms | p95 ms | p99 ms |", "CDN"):
        assert needed in section, needed


def test_the_layout_is_made_once_and_is_what_dash_would_serve() -> None:
    app = create_app(Settings(), ATLAS)
    client = app.server.test_client()
    served = client.get("/_dash-layout")
    assert served.mimetype == "application/json"
    with app.server.test_request_context("/_dash-layout"):
        assert served.data == app.serve_layout().get_data()
    app.layout.children.append("changed")  # a fixed layout: what was made is served again
    assert client.get("/_dash-layout").data == served.data
