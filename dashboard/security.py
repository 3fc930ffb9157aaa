"""Security for every response and every callback request.

- One Content-Security-Policy: `default-src 'self'`, scripts only from the app or with the hashes of Dash's inline
  scripts (`app.csp_hashes()`), `worker-src 'self' blob:` for MapLibre, no `unsafe-eval`.
- Framing: `/embed` may be framed by the configured origins; every other route says `frame-ancestors 'none'` and
  `X-Frame-Options: DENY`.
- Callback requests: JSON nested deeper than any callback needs is a 400, as is a body that does not match a
  registered server callback (its outputs, inputs and state, and values of the types their components hold), before
  Dash sees it. The callbacks check what the values mean.
- Errors: a plain page with no detail; the traceback goes to the log only.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from dash import Dash
from dash.exceptions import DependencyException
from flask import Response, abort, request
from werkzeug.exceptions import HTTPException, NotFound

log = logging.getLogger(__name__)

CALLBACK_PATH = "/_dash-update-component"
EMBED_PATH = "/embed"
MAX_BODY_BYTES = 4 * 1024 * 1024  # a callback body carries at most a map figure as state (~0.3 MB)
MAX_DEPTH = 64  # JSON nesting: a figure with GeoJSON in it is about 16 deep; Dash's code recurses on every level
ORIGIN = re.compile(r"^(https?://(\*\.)?[a-z0-9.-]+(:\d{1,5})?|https:|'self'|\*)$", re.IGNORECASE)

# What a component property holds, where a callback could be fed something else. Unlisted: any JSON.
_NONE = type(None)
TEXT = (str, _NONE)
COUNT = (int, _NONE)
OBJECT = (dict, _NONE)
SCALAR = (str, int, float, _NONE)
PROPERTY_TYPES: dict[str, tuple[type, ...]] = {
    "search": TEXT,
    "pathname": TEXT,
    "hash": TEXT,
    "href": TEXT,
    "n_clicks": COUNT,
    "n_intervals": COUNT,
    "clickData": OBJECT,
    "hoverData": OBJECT,
    "selectedData": OBJECT,
    "relayoutData": OBJECT,
    "figure": OBJECT,
}
VALUE_TYPES: dict[str, tuple[type, ...]] = {  # the `value` of each kind of component
    "Slider": (int, float, _NONE),
    "RadioItems": SCALAR,
    "Dropdown": (*SCALAR, list),
    "Checklist": (list, _NONE),
}


def content_security_policy(script_hashes: Sequence[str], frame_ancestors: Sequence[str], *, remote_map: bool) -> str:
    """The policy for one response. `remote_map`: an online basemap fetches its style, tiles and glyphs (https)."""
    remote = " https:" if remote_map else ""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        # Dash's components insert <style> elements at run time, Plotly sets style attributes; no style runs script.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob:{remote}",
        "font-src": "'self' data:",
        "connect-src": f"'self'{remote}",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": " ".join(frame_ancestors),
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def check_origins(origins: Sequence[str]) -> tuple[str, ...]:
    """Origins that may frame /embed, each `https://host[:port]`, `http://host[:port]`, `https:`, `'self'` or `*`."""
    bad = [o for o in origins if not ORIGIN.match(o)]
    if bad:
        raise ValueError(f"not an origin for frame-ancestors: {', '.join(map(repr, bad))}")
    return tuple(origins) or ("'none'",)


def install(app: Dash, *, embed_origins: Sequence[str], remote_map: bool = False) -> None:
    """Add the headers, the callback body check and the plain error page to `app`'s server."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    embed_ancestors = check_origins(embed_origins)

    @functools.cache
    def policies() -> tuple[str, str]:  # after every callback is registered, so every inline script is hashed
        hashes = app.csp_hashes()
        return (
            content_security_policy(hashes, ("'none'",), remote_map=remote_map),
            content_security_policy(hashes, embed_ancestors, remote_map=remote_map),
        )

    @server.after_request
    def headers(response: Response) -> Response:
        framed = request.path == EMBED_PATH  # not /embed/<anything>: that is the app's page (Dash's catch-all)
        response.headers["Content-Security-Policy"] = policies()[framed]
        if not framed:
            response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        return response

    check = callback_check(app)

    @server.before_request
    def callback_body() -> None:
        if request.path == CALLBACK_PATH and request.method == "POST":
            try:
                body = request.get_json(silent=True)
            except RecursionError:  # the parser's own limit (about 1,000 levels)
                body = None
            problem = f"JSON nested more than {MAX_DEPTH} deep" if depth(body) > MAX_DEPTH else check(body)
            if problem:
                log.info("callback request refused (400): %s", problem)
                abort(400)

    @server.errorhandler(Exception)
    def plain_error(error: Exception) -> Response | HTTPException:
        if isinstance(error, HTTPException):
            return error
        if isinstance(error, DependencyException):  # /_dash-component-suites/<not a package>/...
            return NotFound()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return Response("Internal server error\n", status=500, mimetype="text/plain")


def depth(value: Any) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def callback_check(app: Dash) -> Callable[[Any], str]:
    """A function that says what is wrong with a callback request body ('' if nothing)."""

    @functools.cache
    def kinds() -> dict[str, str]:
        return dict(_component_kinds(app.layout))

    def check(body: Any) -> str:
        if not isinstance(body, dict):
            return "body is not a JSON object"
        callback = app.callback_map.get(body.get("output")) if isinstance(body.get("output"), str) else None
        if callback is None or "callback" not in callback:
            return "no server callback has these outputs"
        outputs = body.get("outputs")
        declared = callback["output"] if isinstance(callback["output"], list) else [callback["output"]]
        given = outputs if isinstance(outputs, list) else [outputs]
        wanted = [(o.component_id, o.component_property.split("@")[0]) for o in declared]
        if not isinstance(outputs, (list, dict)) or _pairs(given) != wanted:
            return "outputs do not match the callback"
        for part in ("inputs", "state"):
            problem = _check_values(body.get(part, []), callback[part], kinds(), part)
            if problem:
                return problem
        changed = body.get("changedPropIds", [])
        names = {f"{i['id']}.{i['property']}" for i in callback["inputs"] if isinstance(i["id"], str)}
        if not isinstance(changed, list) or not all(isinstance(c, str) and c in names for c in changed):
            return "changedPropIds name no input of the callback"
        return ""

    return check


def _pairs(items: list[Any]) -> list[tuple[Any, Any]] | None:
    if not all(isinstance(i, dict) and isinstance(i.get("property"), str) for i in items):
        return None
    return [(i.get("id"), i["property"].split("@")[0]) for i in items]


def _check_values(items: Any, declared: list[dict[str, Any]], kinds: dict[str, str], part: str) -> str:
    if not isinstance(items, list) or len(items) != len(declared):
        return f"{part} do not match the callback"
    for item, spec in zip(items, declared, strict=True):
        if not isinstance(item, dict) or item.get("id") != spec["id"] or item.get("property") != spec["property"]:
            return f"{part} do not match the callback"
        allowed = _allowed(kinds.get(spec["id"], "") if isinstance(spec["id"], str) else "", spec["property"])
        value = item.get("value")
        if not _fits(value, allowed):
            return f"{spec['id']}.{spec['property']}: a {type(value).__name__} is not a value it can hold"
    return ""


def _allowed(kind: str, prop: str) -> tuple[type, ...] | None:
    if prop == "value":
        return VALUE_TYPES.get(kind)
    return PROPERTY_TYPES.get(prop)


def _fits(value: Any, allowed: tuple[type, ...] | None) -> bool:
    if allowed is None:
        return True
    if isinstance(value, bool):  # JSON true is not a count, an index or a date
        return bool in allowed
    if isinstance(value, list):  # options picked from a list are scalars
        return list in allowed and all(isinstance(v, (str, int, float)) for v in value)
    return isinstance(value, allowed)


def _component_kinds(tree: Any) -> Iterator[tuple[str, str]]:
    """(id, component type) for every component with a string id in a layout tree."""
    if isinstance(tree, (list, tuple)):
        for child in tree:
            yield from _component_kinds(child)
        return
    if not hasattr(tree, "_type"):
        return
    if isinstance(getattr(tree, "id", None), str):
        yield tree.id, tree._type
    yield from _component_kinds(getattr(tree, "children", None))
