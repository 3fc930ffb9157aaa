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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dash import Dash
from dash._utils import to_json
from flask import Flask, Response, abort, request

IMMUTABLE = "public, max-age=31536000, immutable"
LATER = "dashboard.serve_json_later"  # the bodies `warm` makes, in the Flask app's extensions

LAYOUT_PATH = "/_dash-layout"


def install(app: Dash, layouts: Mapping[str, Any] | None = None, lang_of: Callable[[], str] | None = None) -> None:
    """Serve `app`'s layout from memory (not when the layout is a function: that may differ per request), or with
    `layouts`, the one of the language `lang_of()` names for the request (each made now, as Dash would serve it)."""
    if callable(app.layout):
        return
    server = app.server
    endpoint = next(rule.endpoint for rule in server.url_map.iter_rules() if rule.rule == LAYOUT_PATH)
    build = server.view_functions[endpoint]
    bodies = {lang: _layout_body(app, tree) for lang, tree in (layouts or {}).items()}

    @functools.cache
    def body() -> bytes:
        return build().get_data()

    def layout() -> Response:
        chosen = bodies.get(lang_of()) if lang_of else None
        return Response(chosen or body(), mimetype="application/json")

    server.view_functions[endpoint] = layout


def _layout_body(app: Dash, tree: Any) -> bytes:
    """`tree` as Dash serves a layout (its hooks applied), leaving the app's own layout as it was."""
    shown = app._layout
    app._layout = tree
    try:
        return to_json(app.get_layout()).encode()
    finally:
        app._layout = shown


def serve_json(app: Dash, prefix: str, name: str, payload: Any) -> str:
    """Serve `payload` at `<prefix>/data-<digest of its JSON>.json`, cached for good; return that URL."""
    body = _encode(payload)
    return _serve(app, prefix, name, hashlib.sha256(body).hexdigest()[:16], lambda: body)


def serve_json_later(app: Dash, prefix: str, name: str, key: bytes, make: Callable[[], Any]) -> str:
    """As `serve_json` for a payload made on its first request: the URL is hashed from `key`, which must hold
    everything the payload is made from; the package's code is added to it (see `code_version`)."""
    digest = hashlib.sha256(key + code_version().encode()).hexdigest()[:16]
    body = functools.cache(lambda: _encode(make()))
    app.server.extensions.setdefault(LATER, []).append(body)
    return _serve(app, prefix, name, digest, body)


def warm(server: Flask) -> None:
    """Make now what `serve_json_later` would make on first request (gunicorn: once, before the workers fork)."""
    for body in server.extensions.get(LATER, []):
        body()


@functools.cache
def code_version() -> str:
    """A digest of the package's source: data made by other code gets other URLs."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _serve(app: Dash, prefix: str, name: str, digest: str, body: Callable[[], bytes]) -> str:
    """The route: the body with a strong ETag, 304 when the browser has it; any other URL under `prefix` (a page
    loaded before the data changed) is a 404, not Dash's index page."""
    etag = f'"{digest}"'

    def data() -> Response:
        if digest in request.headers.get("If-None-Match", ""):  # compression may have suffixed the ETag
            return Response(status=304, headers={"ETag": etag, "Cache-Control": IMMUTABLE})
        return Response(body(), mimetype="application/json", headers={"ETag": etag, "Cache-Control": IMMUTABLE})

    path = f"{prefix}/data-{digest}.json"
    app.server.add_url_rule(path, name, data)
    app.server.add_url_rule(f"{prefix}/<path:_>", f"{name}_stale", lambda _: abort(404))
    return path
