"""Exports, as the CLI, /embed and the downloads call them: the static map (`render.geo`), the replay and its
HTML page (`render.replay`), and images, GIF and MP4 through kaleido (`render.images`). All draw the map spec."""

from dashboard.render.geo import Figure, region, scale_bar, static_figure
from dashboard.render.images import (
    HEIGHT,
    IMAGE_FORMATS,
    SCALE,
    WIDTH,
    ExportError,
    ImageFormat,
    gif,
    image,
    mp4,
    render,
    series,
    start,
    stop,
)
from dashboard.render.replay import FRAME_MS, PLOTLY_JS, SLIDER_HEIGHT, Replay, html_page, replay_figure, script_json
from dashboard.render.spec import describe
from dashboard.text import LANGS, TEXT, date_text, rtl

__all__ = [
    "FRAME_MS", "HEIGHT", "IMAGE_FORMATS", "LANGS", "PLOTLY_JS", "SCALE", "SLIDER_HEIGHT", "TEXT", "WIDTH",
    "ExportError", "Figure", "ImageFormat", "Replay", "date_text", "describe", "gif", "html_page", "image", "mp4",
    "region", "render", "replay_figure", "rtl", "scale_bar", "script_json", "series", "start", "static_figure",
    "stop",
]  # fmt: skip
