"""Answers that are the same for every visitor, made once per app rather than once per request.

Dash builds `/_dash-layout` from the layout on every request: for this page (the map figure with its inline base
layers, the charts) about 450 kB of JSON and some 40 ms of CPU, on every page load. The layout is a fixed component
tree, so the same bytes are served to everyone (compressed per request, as before). The data the browser fetches
once (the map's, the analytics') is served at content-hashed URLs, cached for good.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from dash import Dash
from flask import Response, abort, request

IMMUTABLE = "public, max-age=31536000, immutable"

LAYOUT_PATH = "/_dash-layout"


def install(app: Dash) -> None:
    """Serve `app`'s layout from memory (not when the layout is a function: that may differ per request)."""
    if callable(app.layout):
        return
    server = app.server
    endpoint = next(rule.endpoint for rule in server.url_map.iter_rules() if rule.rule == LAYOUT_PATH)
    build = server.view_functions[endpoint]

    @functools.cache
    def body() -> bytes:
        return build().get_data()

    def layout() -> Response:
        return Response(body(), mimetype="application/json")

    server.view_functions[endpoint] = layout


def serve_json(app: Dash, prefix: str, name: str, payload: Any) -> str:
    """Serve `payload` at `<prefix>/data-<digest>.json`, cached for good; return that URL.

    Any other URL under `prefix` (a page loaded before the data changed) is a 404, not Dash's index page.
    """
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    digest = hashlib.sha256(body).hexdigest()[:16]
    etag = f'"{digest}"'

    def data() -> Response:
        if digest in request.headers.get("If-None-Match", ""):  # compression may have suffixed the ETag
            return Response(status=304, headers={"ETag": etag, "Cache-Control": IMMUTABLE})
        return Response(body, mimetype="application/json", headers={"ETag": etag, "Cache-Control": IMMUTABLE})

    path = f"{prefix}/data-{digest}.json"
    app.server.add_url_rule(path, name, data)
    app.server.add_url_rule(f"{prefix}/<path:_>", f"{name}_stale", lambda _: abort(404))
    return path
