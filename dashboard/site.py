"""`python -m dashboard export site --out DIR`: what a report needs, as static files for any object store or CDN.

```
embed/<lang>/<date>.html   the /embed page of each date and language (its date's map; the others from assets/)
embed/<lang>/index.html    the last date
assets/<name>.<hash>.js    plotly.js, constants.js and embed.js
assets/frames-<lang>.<hash>.json  every date's drawing, which an embed page fetches once its own is drawn
files/<name>.<hash>.<ext>  images (PNG by default: every date × language × the country and each summarised
                           place), the GIF and HTML replay, and the data downloads (each date and the series)
index.html                 every page and file, with the code to embed a page
manifest.json              each file's plain name → its content-hashed path
_headers                   cache and security headers per path (Netlify / Cloudflare Pages syntax)
```

Everything but the embed pages and the index has a content-hashed name and is cached for good; the embed pages
keep their addresses (articles link to them) and are cached for five minutes. Every link is relative, so the site
works from any folder of any host. Images come from the render cache (`renders.prerender`), so a second export
renders nothing new.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from dashboard import analytics, downloads, embed, export, renders
from dashboard.config import PROJECT_ROOT
from dashboard.files import write_atomically
from dashboard.model import Atlas

IMMUTABLE = "public, max-age=31536000, immutable"
PAGES = "public, max-age=300"
FRAMED_BY = "'self' https:"  # who may frame the embed pages (as the app's default, config.EMBED_ORIGINS)


class Site:
    """A folder being written: each file once, with the manifest of hashed names."""

    def __init__(self, out: Path) -> None:
        self.out, self.manifest = out, {}

    def hashed(self, folder: str, name: str, body: bytes) -> str:
        """Write `body` as `<folder>/<stem>.<hash>.<ext>`; its path relative to the site."""
        stem, dot, ext = name.partition(".")
        path = f"{folder}/{stem}.{hashlib.sha256(body).hexdigest()[:12]}{dot}{ext}"
        write_atomically(self.out / path, body)
        self.manifest[f"{folder}/{name}"] = path
        return path

    def plain(self, path: str, body: bytes) -> str:
        write_atomically(self.out / path, body)
        return path


def write_site(
    atlas: Atlas,
    out: Path,
    exports: renders.Exports,
    formats: tuple[str, ...] = ("png", "gif", "html"),
    on_job: Callable[[renders.Job, bool], None] = lambda *_: None,
) -> Site:
    """Write the site into `out` (emptied first)."""
    if out.exists():
        shutil.rmtree(out)
    site = Site(out)
    plotly_js = site.hashed("assets", embed.PLOTLY_JS.name, embed.PLOTLY_JS.read_bytes())
    names = ("constants.js", "embed.js")  # the names embed.js reads, then embed.js
    scripts = tuple(site.hashed("assets", name, (PROJECT_ROOT / "assets" / name).read_bytes()) for name in names)
    pages = _embed_pages(atlas, site, plotly_js, scripts)
    jobs = list(renders.report_jobs(atlas, formats))
    renders.prerender(exports, jobs, on_job)
    files = {_file_name(job): site.hashed("files", _file_name(job), exports.path(job).read_bytes()) for job in jobs}
    numbers = analytics.compute(atlas)
    for day in (None, *atlas.dates):
        for kind in downloads.KINDS:
            made = downloads.download(atlas, numbers, kind, day)
            files[made.filename] = site.hashed("files", made.filename, made.body)
    site.plain("index.html", _index(atlas, pages, files).encode())
    site.plain("_headers", _headers().encode())
    site.plain("manifest.json", json.dumps(site.manifest, indent=1, sort_keys=True).encode())
    return site


def _embed_pages(atlas: Atlas, site: Site, plotly_js: str, scripts: tuple[str, ...]) -> list[str]:
    """Each date's /embed page in each language; they sit two folders down, hence `../../`."""
    pages = []
    urls = tuple(f"../../{script}" for script in scripts)
    for lang in export.LANGS:
        replay = export.Replay(atlas, lang)
        frames = site.hashed("assets", f"frames-{lang}.json", export.script_json(replay.frames).encode())
        for day in atlas.dates:
            query = embed.EmbedQuery(day, lang=lang)
            body = embed.page(
                atlas,
                query,
                embed.drawing(replay, query),
                script_urls=urls,
                frames_url=f"../../{frames}",
                plotly_url=f"../../{plotly_js}",
            )
            pages.append(site.plain(f"embed/{lang}/{day.isoformat()}.html", body.encode()))
            if day == atlas.dates[-1]:
                site.plain(f"embed/{lang}/index.html", body.encode())
    return pages


def _file_name(job: renders.Job) -> str:
    day = job.day.isoformat() if job.day else "replay"
    return f"syria-control-{day}-{job.lang}{f'-{job.place}' if job.place else ''}.{job.fmt}"


def _index(atlas: Atlas, pages: list[str], files: dict[str, str]) -> str:
    e = html.escape
    page_items = "".join(f'<li><a href="{e(p)}">{e(p)}</a></li>' for p in pages)
    file_items = "".join(f'<li><a href="{e(path)}">{e(name)}</a></li>' for name, path in sorted(files.items()))
    snippet = (
        '<iframe src="https://YOUR-HOST/embed/en/index.html" title="Who controls what in Syria" '
        'style="width:100%;height:720px;border:0" loading="lazy"></iframe>\n'
        f'<script>window.addEventListener("message",function(e){{var h=e.data&&e.data["{embed.HEIGHT_MESSAGE}"];'
        'if(!h)return;document.querySelectorAll("iframe").forEach(function(f){'
        'if(f.contentWindow===e.source)f.style.height=h+"px";});});</script>'
    )
    span = f"{export.date_text(atlas.dates[0])} – {export.date_text(atlas.dates[-1])}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Who controls what in Syria, {e(span)}: embeds and files</title></head>
<body>
<h1>Who controls what in Syria, {e(span)}</h1>
<h2>Embed</h2>
<pre>{e(snippet)}</pre>
<h2>Embed pages</h2><ul>{page_items}</ul>
<h2>Files</h2><ul>{file_items}</ul>
</body>
</html>
"""


def _headers() -> str:
    """Per path: content-hashed files for good; embed pages five minutes, framed by https pages only."""
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        f"font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors {FRAMED_BY}"
    )
    return f"""/assets/*
  Cache-Control: {IMMUTABLE}
  X-Content-Type-Options: nosniff
/files/*
  Cache-Control: {IMMUTABLE}
  X-Content-Type-Options: nosniff
  Content-Disposition: attachment
/embed/*
  Cache-Control: {PAGES}
  Content-Security-Policy: {policy}
  X-Content-Type-Options: nosniff
/
  X-Frame-Options: DENY
/index.html
  X-Frame-Options: DENY
"""
