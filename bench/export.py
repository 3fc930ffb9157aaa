"""Export timings on the shipped data: cold and warm PNG (target: warm ≤ 1.5 s), SVG, PDF, the HTML replay.

Prints figures; not part of the test run. `python bench/export.py [--runs N]`
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import export
from dashboard.config import DEFAULT_DATA_DIR
from dashboard.load import load_atlas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    atlas = load_atlas(DEFAULT_DATA_DIR)
    start = time.perf_counter()
    export.image(atlas, atlas.dates[0], "png")
    print(f"cold png (server start + first render): {time.perf_counter() - start:.2f} s")
    for fmt in export.IMAGE_FORMATS:
        times = []
        for i in range(runs):
            start = time.perf_counter()
            data = export.image(atlas, atlas.dates[i % len(atlas.dates)], fmt)
            times.append(time.perf_counter() - start)
        print(f"warm {fmt}: median {statistics.median(times):.2f} s, best {min(times):.2f} s, {len(data) / 1e3:.0f} kB")
    export.stop()
    start = time.perf_counter()
    page = export.html_page(atlas)
    print(f"html replay: {time.perf_counter() - start:.2f} s, {len(page.encode()) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
