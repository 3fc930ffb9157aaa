"""The naive reference app for the benchmark: the date slider as most Dash tutorials wire it.

One server callback rebuilds the whole figure (every zone inline as GeoJSON, the base layers inline in
the map style) on each slider step, and Dash replaces the graph's figure with it. Same data
(`dashboard.load.load_atlas`), same drawing function (`dashboard.figures.map_figure`), same base
layers and the same component ids as the real app, so `bench/scrub.py` drives both the same way and the
pixels match: only the update path differs. Dash defaults otherwise (no response compression).

Run on its own: python bench/naive_app.py [--data-dir data/geo] [--port 8060]
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dash import Dash, Input, Output, dcc, html

from dashboard import figures, ids
from dashboard.config import DEFAULT_DATA_DIR
from dashboard.load import load_atlas
from dashboard.model import Atlas


def create_naive_app(atlas: Atlas, *, map_height: int = 745, view: tuple[float, float, float] | None = None) -> Dash:
    """`view`: (lon, lat, zoom) to open at, so both apps draw the same area; the figure's default otherwise."""
    app = Dash(__name__, title="Naive reference", update_title=None, serve_locally=True)
    app.index_string = app.index_string.replace("{%css%}", "{%css%}<style>body{margin:0}</style>")
    last = len(atlas.dates) - 1

    def figure(index: int) -> object:
        fig = figures.map_figure(atlas, atlas.dates[index], height=map_height)
        if view is not None:
            fig.update_layout(map_center={"lon": view[0], "lat": view[1]}, map_zoom=view[2])
        return fig

    app.layout = html.Div(
        [
            dcc.Graph(id=ids.MAP, style={"height": f"{map_height}px"}),  # filled by the callback on load
            dcc.Slider(
                id=ids.SLIDER,
                min=0,
                max=last,
                step=1,
                value=last,
                marks={i: figures.short_date(d) for i, d in enumerate(atlas.dates)},
                updatemode="drag",
            ),
        ]
    )

    @app.callback(Output(ids.MAP, "figure"), Input(ids.SLIDER, "value"))
    def redraw(index: int) -> object:
        return figure(index if isinstance(index, int) and 0 <= index <= last else last)

    return app


@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA_DIR)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8060, show_default=True)
@click.option("--map-height", default=745, show_default=True, help="Graph height in px (the real app's, to match).")
@click.option("--view", default=None, help="lon,lat,zoom to open at (the real app's fitted view, to match).")
def main(data_dir: Path, host: str, port: int, map_height: int, view: str | None) -> None:
    parsed = tuple(float(v) for v in view.split(",")) if view else None
    if parsed is not None and len(parsed) != 3:
        raise click.BadParameter("expected lon,lat,zoom", param_hint="--view")
    app = create_naive_app(load_atlas(data_dir), map_height=map_height, view=parsed)  # type: ignore[arg-type]
    app.run(host=host, port=port, debug=False)


if __name__ == "__main__":
    main()
