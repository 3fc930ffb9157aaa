"""The language of a page, per request: `?lang=` in the address wins; without it the browser's Accept-Language may
choose Arabic; else English. The one place that writes `<html lang dir>` on Dash's index page (one index string
for every visitor, so it is rewritten per request), with the page's title and its language's map data.

Requests a page makes itself (its layout, its callbacks) carry no `?lang`: they are read from the page's address
they come from (the Referer, sent to the app's own origin under its Referrer-Policy).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs, urlparse

from dash import Dash
from flask import has_request_context, request

from dashboard.i18n import LANGS, direction

HEAD = "<!--language-head-->"  # where the index string takes each language's own head elements
SHELL = "<!--language-shell-->"  # where it takes each language's page shell (shell.py), after Dash's entry point
_HTML = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(r"<title>.*?</title>", re.IGNORECASE | re.DOTALL)


def choose(asked: str | None, accept_language: str | None) -> str:
    """The page's language: `asked` (the address's `lang`) if it is one of ours, else the first of ours the browser
    ranks highest (Accept-Language), else English. An unknown `asked` is English (the page says so: query.read_lang)."""
    if asked is not None:
        return asked if asked in LANGS else LANGS[0]
    ranked = []
    for part in (accept_language or "").split(","):
        tag, _, weight = part.strip().partition(";q=")
        try:
            ranked.append((float(weight or 1), tag.split("-")[0].lower()))
        except ValueError:
            continue
    best = max(((q, tag) for q, tag in ranked if tag in LANGS and q > 0), default=None, key=lambda r: r[0])
    return best[1] if best else LANGS[0]


def address_lang(address: str | None) -> str | None:
    """The `lang` of an address (a URL or a query string), if it has one."""
    query = urlparse(address or "").query if "://" in (address or "") else (address or "").lstrip("?")
    values = parse_qs(query).get("lang")
    return values[0] if values else None


def search_lang(search: str | None) -> str:
    """The language of a page whose address has the query string `search` (a callback's view of its page)."""
    accept = request.headers.get("Accept-Language") if has_request_context() else None
    return choose(address_lang(search), accept)


def page_lang() -> str:
    """The language of the page being served."""
    return choose(request.args.get("lang"), request.headers.get("Accept-Language"))


def referrer_lang() -> str:
    """The language of the page a layout or callback request comes from."""
    return choose(address_lang(request.referrer), request.headers.get("Accept-Language"))


def html_tag(lang: str) -> str:
    return f'<html lang="{lang}" dir="{direction(lang)}">'


def install(app: Dash, *, titles: Mapping[str, str], heads: Mapping[str, str], shells: Mapping[str, str]) -> None:
    """Dash's index page in the language of each request: `<html lang dir>`, `titles[lang]`, `heads[lang]` where
    the index string has `HEAD` and `shells[lang]` where it has `SHELL`. Answers vary with Accept-Language (it
    chooses when the address does not)."""
    interpolate: Callable[..., str] = app.interpolate_index

    def interpolate_index(**parts: str) -> str:
        lang = page_lang()
        page = interpolate(**{**parts, "title": ""})
        page = _HTML.sub(html_tag(lang), page, count=1)
        page = _TITLE.sub(lambda _: f"<title>{_escape(titles[lang])}</title>", page, count=1)
        return page.replace(HEAD, heads[lang], 1).replace(SHELL, shells[lang], 1)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]

    @app.server.after_request
    def vary(response):  # type: ignore[no-untyped-def]
        if response.mimetype == "text/html":
            response.vary.add("Accept-Language")
        return response


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
