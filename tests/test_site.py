"""`export site`: the static files (dashboard/site.py), and in headless Chromium, served by `python -m http.server`:
the embed draws, steps dates and sizes its frame (postMessage height)."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import RENDER_TIMEOUT_MS, Recorder
from toy import toy_atlas

from dashboard import ids, renders, site

ATLAS = toy_atlas()
FIRST, LAST = ATLAS.dates[0].isoformat(), ATLAS.dates[-1].isoformat()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the toy atlas with the HTML replays as its only rendered files (no Chromium needed)."""
    root = tmp_path_factory.mktemp("site")
    exports = renders.Exports(ATLAS, root / "cache")
    site.write_site(ATLAS, root / "out", exports, formats=("html",))
    return root / "out"


def test_the_site_has_every_embed_page_and_hashed_files_named_in_its_manifest(written: Path) -> None:
    pages = sorted(p.relative_to(written).as_posix() for p in (written / "embed").rglob("*.html"))
    assert len(pages) == 2 * (len(ATLAS.dates) + 1) and f"embed/ar/{FIRST}.html" in pages
    manifest = json.loads((written / "manifest.json").read_text())
    for name, path in manifest.items():
        body = (written / path).read_bytes()
        assert re.fullmatch(r"(assets|files)/[^/]+\.[0-9a-f]{12}\.[a-z.]+", path), path
        assert path.split("/")[1].split(".")[1] == hashlib.sha256(body).hexdigest()[:12]
        assert name.split("/", 1)[0] == path.split("/", 1)[0]
    names = set(manifest)
    assert f"files/syria-control-{LAST}-places.csv" in names and "files/syria-control-replay-ar.html" in names
    page = (written / f"embed/en/{LAST}.html").read_text()
    assert f'src="../../{manifest["assets/embed.js"]}"' in page and "/_embed/" not in page


def test_headers_cache_hashed_files_for_good_and_let_https_pages_frame_the_embeds(written: Path) -> None:
    rules = dict(re.findall(r"^(/\S*)\n((?:  .+\n)+)", (written / "_headers").read_text(), re.MULTILINE))
    assert "immutable" in rules["/assets/*"] and "immutable" in rules["/files/*"]
    assert "frame-ancestors 'self' https:" in rules["/embed/*"] and "X-Frame-Options" not in rules["/embed/*"]
    assert "max-age=300" in rules["/embed/*"]


def test_a_second_export_renders_nothing_new(written: Path, tmp_path: Path) -> None:
    cache = written.parent / "cache"
    before = sorted(cache.iterdir())
    site.write_site(ATLAS, tmp_path / "again", renders.Exports(ATLAS, cache), formats=("html",))
    assert sorted(cache.iterdir()) == before
    assert json.loads((tmp_path / "again" / "manifest.json").read_text()) == json.loads(
        (written / "manifest.json").read_text()
    )


# ---------------------------------------------------------------- in a browser, from a plain static server


@pytest.fixture
def served(written: Path) -> Iterator[str]:
    """The site on `python -m http.server` on a free loopback port, with a parent page that frames an embed."""
    parent = written / "parent-test.html"
    parent.write_text(
        f"""<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>
<iframe id="embed" title="map" src="embed/en/{LAST}.html" style="width:700px;height:300px;border:0"></iframe>
<script src="parent-test.js"></script></body></html>""",
        encoding="utf-8",
    )
    (written / "parent-test.js").write_text(
        """window.heights = [];
window.addEventListener("message", function (e) {
  var h = e.data && e.data["syria-map-height"];
  if (h) { window.heights.push(h); document.getElementById("embed").style.height = h + "px"; }
});""",
        encoding="utf-8",
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(written)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/index.html", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        parent.unlink()
        (written / "parent-test.js").unlink()


@pytest.mark.browser
def test_the_static_embed_draws_steps_dates_and_sizes_its_frame(page: Any, served: str, recorder: Recorder) -> None:
    page.on("request", lambda request: recorder.requests.append(request.url))
    page.goto(f"{served}/parent-test.html")
    frame = page.frame_locator("#embed")
    frame.locator(f'#map[data-map-date="{LAST}"]').wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
    assert frame.locator(".choroplethlocation").count() > 3
    page.wait_for_function("window.heights.length > 0")
    height = page.evaluate("window.heights[window.heights.length - 1]")
    assert height > 300
    page.wait_for_function(f"document.getElementById('embed').clientHeight === {height}")
    embed = page.frame(url=re.compile(r".*/embed/en/"))
    frame.locator(f"#{ids.SLIDER}").fill("2")  # the page's own slider: the third date
    embed.wait_for_function(f"document.getElementById('map').dataset.mapDate < '{LAST}'", timeout=RENDER_TIMEOUT_MS)
    shown = embed.evaluate("document.getElementById('map').dataset.mapDate")
    assert shown in {d.isoformat() for d in ATLAS.dates[:5]}
    assert f"{int(shown[-2:])} November 2024" in frame.locator("#alt").text_content()
    assert recorder.errors == []
    assert all(u.startswith(served) for u in recorder.requests), recorder.requests
