"""Exports on the toy atlas: the static figure, PNG/SVG/PDF through kaleido (one warm server), the GIF, the HTML
replay's size and content on the shipped data, the command line, atomic writes."""

from __future__ import annotations

import io
import itertools
import math
import re
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go
import pytest
from click.testing import CliRunner
from toy import D, toy_atlas

from dashboard import export
from dashboard.cli import main
from dashboard.files import write_atomically
from dashboard.model import Atlas
from dashboard.render import spec as map_spec

ATLAS = toy_atlas()
DAY = D("2024-12-05")  # government, HTS and SDF all hold ground
W, H = 640, 480
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed")


@pytest.fixture(scope="session")
def kaleido_server() -> Iterator[None]:
    """One warm kaleido server for every test that renders."""
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed")
    export.start()
    yield
    export.stop()


def holding(atlas: Atlas, day) -> list[str]:
    return [f"{fid}" for fid, share in map_spec.shares(atlas, day).items() if share > 0]


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def colours(atlas: Atlas) -> dict[str, tuple[int, int, int]]:
    return {f.id: rgb(f.colour) for f in atlas.timeline.factions}


# ---------------------------------------------------------------- the static figure


def test_static_figure_is_valid_plotly_and_draws_every_zone_on_geo() -> None:
    fig = export.static_figure(ATLAS, DAY, place="hama")
    go.Figure(fig)  # raises on any attribute geo traces do not have
    zones = [t for t in fig["data"] if str(t.get("uid", "")).startswith("zone-")]
    assert [t["type"] for t in zones] == ["choropleth"] * 3
    assert {t["locations"][0] for t in zones} == {"government", "hts", "sdf"}
    assert fig["data"][0]["type"] == "scattergeo"  # see static_figure: a choropleth first makes plotly.js fetch
    assert fig["layout"]["title"]["text"] == "<b>Who controls what in Syria</b> · 5 December 2024"
    assert "As of" not in str(fig["layout"]["annotations"])  # the date is in the title
    assert any(t.get("text") == ["100 km"] for t in fig["data"])  # the scale bar
    assert fig["data"][-1]["text"] == ["<b>Hama</b>"]  # the marked place


def test_outer_rings_turn_clockwise_for_d3() -> None:
    fig = export.static_figure(ATLAS, DAY)
    hts = next(t for t in fig["data"] if t.get("uid") == "zone-hts")
    ring = hts["geojson"]["features"][0]["geometry"]["coordinates"][0]
    signed = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))
    assert signed < 0


def test_scale_bar_is_100_km_long_at_its_latitude() -> None:
    bar = export.scale_bar(35.0, 32.0, 43.0, 38.0)[1]
    lon0, lon1, lat = bar["lon"][0], bar["lon"][1], bar["lat"][0]
    # haversine along a parallel
    km = 6371.0088 * 2 * math.asin(abs(math.cos(math.radians(lat)) * math.sin(math.radians(lon1 - lon0) / 2)))
    assert km == pytest.approx(100, rel=0.005)


def test_arabic_names_in_legend_labels_and_title() -> None:
    fig = export.static_figure(ATLAS, DAY, lang="ar")
    names = [t["name"] for t in fig["data"] if str(t.get("uid", "")).startswith("zone-")]
    assert "هيئة تحرير الشام" in names[1] and "%" in names[1]
    places = next(t for t in fig["data"] if t.get("uid") == "places")
    assert "حلب" in places["text"]
    assert "كانون الأول" in fig["layout"]["title"]["text"]
    titles = [f["layout"]["title"] for f in (export.static_figure(ATLAS, DAY), fig)]
    sides = [(title["xanchor"], title["x"] > 0.5) for title in titles]
    assert sides == [("left", False), ("right", True)]  # the title starts where the language's lines start
    legend = [t["name"] for t in fig["data"] if t.get("showlegend", True) and t.get("name")]
    assert legend[-1] == export.rtl("ادعاء فقط — ادعاء أحد الطرفين دون تأكيد", "ar")
    assert not any(c.isascii() and c.isalpha() for name in legend for c in name)  # no English left in it


def test_replay_frames_hold_every_varying_attribute_so_any_order_works() -> None:
    fig = export.replay_figure(ATLAS, start=DAY)
    assert [f["name"] for f in fig["frames"]] == [d.isoformat() for d in ATLAS.dates]
    first, last = fig["frames"][0], fig["frames"][-1]
    assert first["traces"] == last["traces"]
    hts = first["traces"].index(next(i for i, t in enumerate(fig["data"]) if t.get("uid") == "zone-hts"))
    assert first["data"][hts]["geojson"] != last["data"][hts]["geojson"]
    assert fig["layout"]["sliders"][0]["active"] == ATLAS.dates.index(DAY)
    assert len(fig["layout"]["sliders"][0]["steps"]) == len(ATLAS.dates)
    assert "sliders" not in export.replay_figure(ATLAS, controls=False)["layout"]


def test_figures_of_one_replay_share_its_frames_and_nothing_they_change() -> None:
    """/embed makes every view from one Replay: a view must not leak into the next one made."""
    replay = export.Replay(ATLAS)
    whole = replay.figure(start=DAY)
    close = replay.figure(
        start=ATLAS.dates[0], place="hama", view=(36.0, 34.0, 38.0, 36.0), legend=False, controls=False
    )
    assert close["frames"] is whole["frames"]
    assert close["layout"]["geo"]["lonaxis"]["range"] == [36.0, 38.0]
    assert whole["layout"]["geo"]["lonaxis"]["range"] == [export.region(ATLAS)[0], export.region(ATLAS)[2]]
    assert (whole["layout"]["showlegend"], close["layout"]["showlegend"]) == (True, False)
    assert (whole["layout"]["margin"]["b"], close["layout"]["margin"]["b"]) == (export.SLIDER_HEIGHT, 0)
    assert len(close["data"]) == len(whole["data"]) + 1  # the place marked, after every trace the frames change
    assert max(whole["frames"][0]["traces"]) < len(whole["data"])
    assert replay.figure(start=DAY) == whole


def test_text_alternative_names_the_date_and_each_holder_with_its_share() -> None:
    text = export.describe(ATLAS, DAY)
    assert text.startswith("Control of territory in Syria on 5 December 2024 (share of area): ")
    assert "Syrian government" in text and "HTS-led" in text and "SDF" in text and "%" in text
    assert "SDF" not in export.describe(ATLAS, D("2024-11-26"))


# ---------------------------------------------------------------- images


@needs_chromium
def test_png_has_the_requested_size_and_every_holders_colour(kaleido_server: None) -> None:
    from PIL import Image

    png = export.image(ATLAS, DAY, "png", width=W, height=H, scale=1)
    pixels = Image.open(io.BytesIO(png)).convert("RGB")
    assert pixels.size == (W, H)
    counts = _colour_counts(pixels)
    country = rgb("#fbfaf6")
    over_country = {fid: _half(colour, country) for fid, colour in colours(ATLAS).items()}
    for fid, colour in colours(ATLAS).items():
        # a zone fill at half opacity, over the country or over another zone (the toy's SDF square overlaps)
        seen = [_half(colour, under) for under in (country, *over_country.values())]
        near = sum(n for px, n in counts.items() if any(_close(px, s) for s in seen))
        assert (near > 500) == (fid in holding(ATLAS, DAY)), fid


def _half(colour: tuple[int, int, int], under: tuple[int, int, int]) -> tuple[int, ...]:
    return tuple(round(0.5 * c + 0.5 * u) for c, u in zip(colour, under, strict=True))


def _close(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 8


def _colour_counts(image) -> dict[tuple[int, int, int], int]:
    return {px: n for n, px in image.getcolors(maxcolors=1 << 20)}


@needs_chromium
def test_scale_multiplies_the_png_size(kaleido_server: None) -> None:
    from PIL import Image

    png = export.image(ATLAS, DAY, "png", width=400, height=300, scale=2)
    assert Image.open(io.BytesIO(png)).size == (800, 600)


@needs_chromium
def test_svg_has_the_requested_size_and_a_zone_filled_in_each_holders_colour(kaleido_server: None) -> None:
    svg = export.image(ATLAS, DAY, "svg", width=W, height=H).decode()
    assert re.search(rf'<svg[^>]* width="{W}" height="{H}"', svg)
    zone_fills = set(re.findall(r'class="choroplethlocation" fill="(rgb\([^)]*\))"', svg))
    for fid in holding(ATLAS, DAY):
        r, g, b = colours(ATLAS)[fid]
        assert f"rgb({r}, {g}, {b})" in zone_fills, fid
    assert "5 December 2024" in svg and "100 km" in svg


@needs_chromium
def test_pdf_has_the_requested_page_size_and_every_holders_colour(kaleido_server: None) -> None:
    pdf = export.image(ATLAS, DAY, "pdf", width=W, height=H)
    box = re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert box and float(box[1]) == pytest.approx(W * 0.75, abs=1) and float(box[2]) == pytest.approx(H * 0.75, abs=1)
    fills = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            fills.update(re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg", zlib.decompress(stream)))
        except zlib.error:
            continue
    found = {tuple(round(float(v) * 255) for v in fill) for fill in fills}
    for fid in holding(ATLAS, DAY):
        assert colours(ATLAS)[fid] in found, fid


@needs_chromium
def test_gif_has_one_frame_per_date(kaleido_server: None) -> None:
    from PIL import Image

    animation, pngs = export.gif(ATLAS, width=320, height=240)
    image = Image.open(io.BytesIO(animation))
    assert image.format == "GIF" and image.n_frames == len(ATLAS.dates) == len(pngs)
    assert image.size == (320, 240)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_mp4_where_ffmpeg_is_present(tmp_path: Path, kaleido_server: None) -> None:
    _, pngs = export.gif(ATLAS, width=320, height=240)
    assert export.mp4(pngs, tmp_path / "replay.mp4")
    assert (tmp_path / "replay.mp4").read_bytes()[4:8] == b"ftyp"


# ---------------------------------------------------------------- HTML replay, files, command line


def test_html_replay_is_self_contained_and_under_5_mb(shipped_atlas: Atlas) -> None:
    page = export.html_page(shipped_atlas)
    assert len(page.encode()) <= 5_000_000
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing loaded from elsewhere
    assert 'id="plotly-gz"' in page and "DecompressionStream" in page
    assert "Control of territory in Syria on 31 December 2024" in page


def test_write_atomic_replaces_whole_files_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "map.svg"
    write_atomically(target, "<svg/>")
    write_atomically(target, b"<svg></svg>")
    assert target.read_bytes() == b"<svg></svg>"
    assert [p.name for p in target.parent.iterdir()] == ["map.svg"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_series_names_are_numbered_and_dated() -> None:
    names = [p.name for _, p in export.series(ATLAS, Path("/x/map.png"))]
    assert names[0] == "map-01-2024-11-26.png" and names[-1] == "map-15-2024-12-10.png"


@needs_chromium
def test_cli_png_writes_the_requested_size(tmp_path: Path, kaleido_server: None) -> None:
    from PIL import Image

    out = tmp_path / "hama.png"
    args = ["export", "png", "--date", "2024-12-05", "--place", "hama", "--width", "500", "--height", "400"]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert Image.open(out).size == (500, 400)
    export.start()  # the command stops the shared server when it is done


def test_cli_refuses_a_date_without_a_map(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "svg", "--date", "2025-01-01", "--out", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "no map for 2025-01-01" in result.output
    assert not (tmp_path / "x.svg").exists()
