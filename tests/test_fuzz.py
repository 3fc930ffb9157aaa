"""A hypothesis-driven fuzz of page addresses and callback payloads against the app, through Flask's test client.

Every hostile value carries the marker `<fz`: it must never come back in a response (raw, or inside JSON), and no
request may get a server error. Derandomized, so a run is repeatable; at least 1,000 requests.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import quote, urlencode

from dash import Dash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from toy import toy_atlas

from dashboard import ids
from dashboard.app import create_app
from dashboard.config import Settings

MARK = "<fz"
EXAMPLES = 360  # 3 requests each
CALLBACK = "/_dash-update-component"

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
hostile = st.builds(
    lambda before, template, after: before + template + after,
    text,
    st.sampled_from(
        [
            "<fz>",
            "<fz onerror=alert(1)>",
            '"><fz src=x onerror=alert(1)>',
            "'><fz/onload=alert(1)>",
            "javascript:<fz>",
            "</script><fz>",
            "{{<fz}}",
            "<fz" + "A" * 300,
        ]
    ),
    text,
)
dates = st.sampled_from(["2024-12-05", "2024-11-26", "2023-01-01", "9999-12-31", "2024-12-32", "20241205", "-1"])
numbers = st.one_of(st.integers(-(10**12), 10**12), st.floats(allow_nan=True, allow_infinity=True)).map(str)
values = st.one_of(dates, numbers, text, hostile, st.sampled_from(["hama", "حماة", "on", "off", "1", "0", "ar", ""]))
keys = st.one_of(
    st.sampled_from(["date", "place", "center", "zoom", "bbox", "controls", "legend", "play", "lang"]), text, hostile
)
queries = st.lists(st.tuples(keys, values), max_size=6).map(urlencode)
segments = st.one_of(text, hostile, st.sampled_from(["..", "%2e%2e", "all", "zones", "geojson", "dash", "deps"]))
paths = st.one_of(
    st.sampled_from(["/", "/embed", "/embed/", "/_dash-layout", "/_dash-dependencies"]),
    st.builds(lambda s: f"/{s}", segments),
    st.builds(lambda s: f"/_map/data-{s}.json", segments),
    st.builds(lambda a, b, c: f"/download/{a}/{b}.{c}", segments, segments, segments),
    st.builds(lambda a, b: f"/_dash-component-suites/{a}/{b}", segments, segments),
    st.builds(lambda s: f"/assets/{s}", segments),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text, hostile),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.one_of(text, hostile), inner, max_size=3)),
    max_leaves=8,
)


def _drop(key: str) -> Any:
    return lambda body: {k: v for k, v in body.items() if k != key}


def _set(key: str, value: Any) -> Any:
    return lambda body: {**body, key: value}


MUTATIONS = [
    lambda body: body,
    lambda body: body,
    _drop("output"),
    _drop("outputs"),
    _drop("inputs"),
    _set("outputs", [{"id": "<fz>", "property": "children"}]),
    _set("output", "<fz>.children"),
    _set("changedPropIds", ["<fz>.value"]),
    _set("inputs", "<fz>"),
    lambda body: [body],
]


def server_callbacks(app: Dash) -> list[tuple[str, dict[str, Any]]]:
    return sorted((k, c) for k, c in app.callback_map.items() if "callback" in c)


def request_body(key: str, callback: dict[str, Any], fill: list[Any]) -> dict[str, Any]:
    single = not isinstance(callback["output"], list)
    declared = [callback["output"]] if single else callback["output"]
    outputs = [{"id": o.component_id, "property": o.component_property} for o in declared]
    specs = callback["inputs"] + callback["state"]
    filled = [{**spec, "value": fill[i % len(fill)] if fill else None} for i, spec in enumerate(specs)]
    return {
        "output": key,
        "outputs": outputs[0] if single else outputs,
        "inputs": filled[: len(callback["inputs"])],
        "state": filled[len(callback["inputs"]) :],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in callback["inputs"]],
    }


def reflected(response: Any) -> bool:
    body = response.get_data(as_text=True)
    if MARK in body:
        return True
    try:
        decoded = json.loads(body)
    except ValueError:
        return False
    return MARK in json.dumps(decoded, ensure_ascii=False)


def test_fuzzed_addresses_and_callback_payloads_give_no_server_error_and_no_reflection() -> None:
    app = create_app(Settings(), toy_atlas())
    client = app.server.test_client()
    callbacks = server_callbacks(app)
    seen: Counter[str] = Counter()

    def send(kind: str, response: Any) -> None:
        seen["requests"] += 1
        seen[f"{kind} {response.status_code}"] += 1
        assert response.status_code < 500, f"{kind}: {response.status_code}"
        assert not reflected(response), f"{kind}: payload reflected"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        path=paths,
        query=queries,
        pick=st.integers(0, len(callbacks) - 1),
        fill=st.lists(json_values, max_size=4),
        mutate=st.sampled_from(MUTATIONS),
    )
    def one(path: str, query: str, pick: int, fill: list[Any], mutate: Any) -> None:
        send("GET", client.get(quote(path, safe="/%"), query_string=query))
        address = _from_url("?" + query)
        send("address", client.post(CALLBACK, json=address))
        key, callback = callbacks[pick]
        body = mutate(request_body(key, callback, fill))
        send("callback", client.post(CALLBACK, data=json.dumps(body), content_type="application/json"))

    one()
    print(dict(sorted(seen.items())))  # shown with -s: how the requests were answered
    assert seen["requests"] >= 1000
    assert seen["address 200"] > 0 and seen["callback 400"] > 0  # both paths were really exercised


def _from_url(search: str) -> dict[str, Any]:
    outputs = [(ids.SLIDER, "value"), (ids.PLACE, "data"), (ids.NOTICE, "children")]
    outputs += [(ids.CHANGES_MODE, "value"), (ids.CHANGES_SINCE, "value")]
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": [{"id": ids.URL, "property": "search", "value": search}],
        "changedPropIds": [f"{ids.URL}.search"],
    }
