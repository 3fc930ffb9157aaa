"""Answers that are the same for every visitor, made once per app rather than once per request.

Dash builds `/_dash-layout` from the layout on every request: for this page (the map figure with its inline base
layers, the charts) about 450 kB of JSON and some 40 ms of CPU, on every page load. The layout is a fixed component
tree, so the same bytes are served to everyone (compressed per request, as before). The data the browser fetches
once (the map's, the analytics', /embed's other dates) is served at content-hashed URLs, cached for good, and
compressed once per encoding (`Encoded`): flask-compress would compress its megabytes again for every visitor.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import brotli
from dash import Dash
from dash._utils import to_json
from flask import Flask, Response, abort, request

IMMUTABLE = "public, max-age=31536000, immutable"
LATER = "dashboard.serve_json_later"  # the bodies `warm` makes, in the Flask app's extensions

LAYOUT_PATH = "/_dash-layout"
ENCODINGS = ("br", "gzip", "identity")  # in the order preferred when a browser takes several
ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    # 9: a tenth smaller than flask-compress's per-response 4 (the map data: 131 against 145 kB); 11 would be a
    # fifth smaller again, at 0.5-1.3 s a file, at every start of the app
    "br": lambda raw: brotli.compress(raw, quality=9),
    "gzip": lambda raw: gzip.compress(raw, 9, mtime=0),
    "identity": lambda raw: raw,
}
# A page made once per address and kept (/embed): brotli at 10, a fifth smaller than at 9 (48 against 59 kB for a
# page; 11 saves 1 kB more at three times the 0.1 s)
PAGE_ENCODERS = {**ENCODERS, "br": lambda raw: brotli.compress(raw, quality=10)}


class Encoded:
    """A body that never changes, in each encoding the first time a browser asks for it (`made` may bring some made
    ahead, as a vendored brotli file; `encoders` other levels)."""

    def __init__(
        self,
        raw: Callable[[], bytes],
        made: Mapping[str, bytes] | None = None,
        encoders: Mapping[str, Callable[[bytes], bytes]] = ENCODERS,
    ) -> None:
        self.raw, self.made, self.encoders = raw, dict(made or {}), encoders

    def body(self, encoding: str) -> bytes:
        if encoding not in self.made:  # two threads may both make it: the same bytes
            self.made[encoding] = self.encoders[encoding](self.raw())
        return self.made[encoding]

    def response(self, mimetype: str, headers: Mapping[str, str], etag: str) -> Response:
        """The body in the best encoding the request takes, with a strong ETag per encoding (`etag` + its name);
        flask-compress leaves an encoded response as it is."""
        encoding = request.accept_encodings.best_match(ENCODINGS) or "identity"
        out = {**headers, "Vary": "Accept-Encoding", "ETag": f'"{etag}-{encoding}"'}
        if encoding != "identity":
            out["Content-Encoding"] = encoding
        return Response(self.body(encoding), mimetype=mimetype, headers=out)

    def warm(self) -> None:
        self.body(ENCODINGS[0])


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
    encoded = Encoded(lambda: body)
    app.server.extensions.setdefault(LATER, []).append(encoded.warm)
    return _serve(app, prefix, name, hashlib.sha256(body).hexdigest()[:16], encoded)


def serve_json_later(app: Dash, prefix: str, name: str, key: bytes, make: Callable[[], Any]) -> str:
    """As `serve_json` for a payload made on its first request: the URL is hashed from `key`, which must hold
    everything the payload is made from; the package's code is added to it (see `code_version`)."""
    digest = hashlib.sha256(key + code_version().encode()).hexdigest()[:16]
    body = Encoded(functools.cache(lambda: _encode(make())))
    app.server.extensions.setdefault(LATER, []).append(body.warm)
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


def _serve(app: Dash, prefix: str, name: str, digest: str, body: Encoded) -> str:
    """The route: the body with a strong ETag, 304 when the browser has it; any other URL under `prefix` (a page
    loaded before the data changed) is a 404, not Dash's index page."""

    def data() -> Response:
        response = body.response("application/json", {"Cache-Control": IMMUTABLE}, digest)
        if digest in request.headers.get("If-None-Match", ""):  # the same data, in whichever encoding it came
            return Response(status=304, headers={k: response.headers[k] for k in ("ETag", "Cache-Control", "Vary")})
        return response

    path = f"{prefix}/data-{digest}.json"
    app.server.add_url_rule(path, name, data)
    app.server.add_url_rule(f"{prefix}/<path:_>", f"{name}_stale", lambda _: abort(404))
    return path
