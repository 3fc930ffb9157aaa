"""Images of the static figure through kaleido 1.x on the system Chromium (PNG, SVG, PDF), and GIF/MP4 series.

One kaleido server is started on first use and kept warm for a batch (`kaleido.start_sync_server`), with MathJax
off so nothing is fetched.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Literal

from dashboard.files import write_atomically
from dashboard.model import Atlas
from dashboard.render.geo import Figure, static_figure
from dashboard.render.replay import FRAME_MS

ImageFormat = Literal["png", "svg", "pdf"]
IMAGE_FORMATS: tuple[ImageFormat, ...] = ("png", "svg", "pdf")
WIDTH, HEIGHT, SCALE = 1200, 900, 1.0


class ExportError(RuntimeError):
    pass


_lock = threading.Lock()


def start() -> None:
    """Start the kaleido server (Chromium) if it is not running; it stays warm until `stop`."""
    import kaleido  # noqa: PLC0415  (kaleido starts nothing on import, but it is heavy)

    browser = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("google-chrome")
    if browser is None:
        raise ExportError("image export needs Chromium (apt-get install chromium) or BROWSER_PATH")
    kaleido.start_sync_server(n=1, timeout=120, mathjax=False, path=browser, silence_warnings=True)


def stop() -> None:
    import kaleido  # noqa: PLC0415

    kaleido.stop_sync_server(silence_warnings=True)


def render(
    figure: Figure, fmt: ImageFormat, *, width: int = WIDTH, height: int = HEIGHT, scale: float = SCALE
) -> bytes:
    """The figure as PNG, SVG or PDF bytes, on the warm server (started if needed). One render at a time."""
    import kaleido  # noqa: PLC0415

    with _lock:
        start()
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        return kaleido.calc_fig_sync(figure, opts=opts)


def image(
    atlas: Atlas,
    day: date,
    fmt: ImageFormat,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    scale: float = SCALE,
    place: str | None = None,
    lang: str = "en",
) -> bytes:
    return render(static_figure(atlas, day, lang=lang, place=place), fmt, width=width, height=height, scale=scale)


def series(atlas: Atlas, out: Path) -> Iterator[tuple[date, Path]]:
    """Each date with its numbered file beside `out`: map.png → map-01-2024-11-26.png, ..."""
    for n, day in enumerate(atlas.dates, start=1):
        yield day, out.with_name(f"{out.stem}-{n:02d}-{day.isoformat()}{out.suffix}")


def gif(
    atlas: Atlas, *, width: int = 960, height: int = 720, lang: str = "en", frame_ms: int = FRAME_MS
) -> tuple[bytes, list[bytes]]:
    """An animated GIF of every date (the last held longer), and the PNG frames it was made from."""
    from PIL import Image  # noqa: PLC0415

    pngs = [image(atlas, d, "png", width=width, height=height, lang=lang) for d in atlas.dates]
    frames = [Image.open(io.BytesIO(p)).convert("RGB") for p in pngs]
    palette = frames[-1].quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    buffer = io.BytesIO()
    durations = [frame_ms] * (len(frames) - 1) + [frame_ms * 3]
    indexed[0].save(buffer, "GIF", save_all=True, append_images=indexed[1:], duration=durations, loop=0)
    return buffer.getvalue(), pngs


def mp4(pngs: list[bytes], out: Path, *, frame_ms: int = FRAME_MS) -> bool:
    """Write an H.264 video of the frames with ffmpeg; False (nothing written) where ffmpeg is missing."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        for n, png in enumerate(pngs):
            Path(tmp, f"{n:03d}.png").write_bytes(png)
        video = Path(tmp, "out.mp4")
        command = [ffmpeg, "-loglevel", "error", "-framerate", f"{1000 / frame_ms:.4f}", "-i", f"{tmp}/%03d.png"]
        command += ["-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-r", "25"]
        subprocess.run([*command, str(video)], check=True)
        write_atomically(out, video.read_bytes())
    return True
