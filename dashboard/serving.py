"""Answers that are the same for every visitor, made once per app rather than once per request.

Dash builds `/_dash-layout` from the layout on every request: for this page (the map figure with its inline base
layers, the charts) about 450 kB of JSON and some 40 ms of CPU, on every page load. The layout is a fixed component
tree, so the same bytes are served to everyone (compressed per request, as before).
"""

from __future__ import annotations

import functools

from dash import Dash
from flask import Response

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
