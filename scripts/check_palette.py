"""Check that the faction palette in data/geo/factions.csv stays distinguishable.

Usage (from the repository root)::

    python scripts/check_palette.py [--factions data/geo/factions.csv] [--matrix]

Method
------
1. Each faction colour is composited the way the map draws it: a fill at opacity 0.55 over the light
   land background #f2efe9 (alpha blending in gamma-encoded sRGB, as browsers/MapLibre do).
2. The composited colours are viewed with normal vision and through colorspacious' simulation
   (Machado et al. 2009) of deuteranopia, protanopia and tritanopia at severity 100
   (``cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": ..., "severity": 100}, "sRGB1")``),
   clipped to the displayable [0, 1] range.
3. For every pair of factions the perceptual distance is CAM02-UCS ΔE
   (``colorspacious.deltaE(..., input_space="sRGB1")``). Every pair must be >= MIN_DELTA_E in every
   vision type.

Why 12: in CAM02-UCS a ΔE of about 1 is a just-noticeable difference between touching patches.
Map legends are read by comparing a fill with a legend swatch elsewhere on screen, through
semi-transparency, outlines and labels, so categorical palettes need an order of magnitude more;
≥ 10-15 is the range commonly used for "distinguishable at a glance" categorical colours. 12 sits
in it and still leaves room for seven classes at 55 % opacity under dichromacy.

A dark label colour (#1a1a1a) is also checked over each composited fill: WCAG 2 contrast >= 4.5.

Exit status is 1 if any check fails.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from colorspacious import cspace_convert, deltaE

BACKGROUND = "#f2efe9"
FILL_OPACITY = 0.55
MIN_DELTA_E = 12.0
LABEL_COLOUR = "#1a1a1a"
MIN_LABEL_CONTRAST = 4.5
FACTIONS_HEADER = ["faction_id", "label", "label_ar", "colour", "order", "description"]
DEFAULT_FACTIONS = Path(__file__).resolve().parents[1] / "data" / "geo" / "factions.csv"

# vision name -> colorspacious cvd_type (None = normal vision). Severity 100 = full dichromacy.
VISIONS: dict[str, str | None] = {
    "normal": None,
    "deuteranopia": "deuteranomaly",
    "protanopia": "protanomaly",
    "tritanopia": "tritanomaly",
}
_HEX = re.compile(r"^#[0-9a-f]{6}$")


def hex_to_rgb1(colour: str) -> np.ndarray:
    if not _HEX.match(colour):
        raise ValueError(f"colour must be lower-case #rrggbb, got {colour!r}")
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float) / 255.0


def composite(colours: np.ndarray, background: str = BACKGROUND, opacity: float = FILL_OPACITY) -> np.ndarray:
    """Source-over alpha blend of (N, 3) sRGB1 colours over an opaque background."""
    return opacity * colours + (1.0 - opacity) * hex_to_rgb1(background)


def simulate(colours: np.ndarray, vision: str) -> np.ndarray:
    cvd_type = VISIONS[vision]
    if cvd_type is None:
        return colours
    space = {"name": "sRGB1+CVD", "cvd_type": cvd_type, "severity": 100}
    return np.clip(cspace_convert(colours, space, "sRGB1"), 0.0, 1.0)


def delta_e_matrix(colours: np.ndarray) -> np.ndarray:
    """Pairwise CAM02-UCS ΔE of (N, 3) sRGB1 colours -> (N, N)."""
    return np.asarray(deltaE(colours[:, None, :], colours[None, :, :], input_space="sRGB1"))


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    la, lb = relative_luminance(a), relative_luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


@dataclass(frozen=True)
class PairDistance:
    vision: str
    a: str
    b: str
    delta_e: float


def pair_distances(palette: dict[str, str]) -> list[PairDistance]:
    """ΔE of every faction pair, per vision type, on the composited colours."""
    ids = list(palette)
    fills = composite(np.array([hex_to_rgb1(palette[i]) for i in ids]))
    out = []
    for vision in VISIONS:
        matrix = delta_e_matrix(simulate(fills, vision))
        for i, j in itertools.combinations(range(len(ids)), 2):
            out.append(PairDistance(vision, ids[i], ids[j], float(matrix[i, j])))
    return out


def minima(distances: list[PairDistance]) -> dict[str, PairDistance]:
    best: dict[str, PairDistance] = {}
    for d in distances:
        if d.vision not in best or d.delta_e < best[d.vision].delta_e:
            best[d.vision] = d
    return best


def failing_pairs(palette: dict[str, str], threshold: float = MIN_DELTA_E) -> list[PairDistance]:
    return [d for d in pair_distances(palette) if d.delta_e < threshold]


def label_contrasts(palette: dict[str, str], label: str = LABEL_COLOUR) -> dict[str, float]:
    fills = composite(np.array([hex_to_rgb1(c) for c in palette.values()]))
    ratios = contrast_ratio(fills, hex_to_rgb1(label))
    return {k: float(r) for k, r in zip(palette, ratios, strict=True)}


def load_factions(path: Path) -> dict[str, str]:
    """faction_id -> colour, in CSV order; validates the header and the colour format."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if header != FACTIONS_HEADER:
            raise ValueError(f"{path}: header {header} != {FACTIONS_HEADER}")
        palette: dict[str, str] = {}
        for row in reader:
            if not row:
                continue
            faction_id, colour = row[0], row[3]
            hex_to_rgb1(colour)
            if faction_id in palette:
                raise ValueError(f"{path}: duplicate faction_id {faction_id!r}")
            palette[faction_id] = colour
    return palette


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--factions", type=Path, default=DEFAULT_FACTIONS)
    parser.add_argument("--threshold", type=float, default=MIN_DELTA_E)
    parser.add_argument("--matrix", action="store_true", help="print the full ΔE matrix per vision type")
    args = parser.parse_args(argv)

    palette = load_factions(args.factions)
    ids = list(palette)
    fills = composite(np.array([hex_to_rgb1(palette[i]) for i in ids]))
    print(f"{len(ids)} factions, fill opacity {FILL_OPACITY} over {BACKGROUND}")
    print(f"CAM02-UCS ΔE threshold {args.threshold}")
    for faction_id, fill in zip(ids, fills, strict=True):
        rgb = tuple(round(float(v) * 255) for v in fill)
        print(f"  {faction_id:<11} {palette[faction_id]}  composited #{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x}")

    if args.matrix:
        for vision in VISIONS:
            matrix = delta_e_matrix(simulate(fills, vision))
            print(f"\n{vision}\n{'':<11}" + "".join(f"{i[:7]:>8}" for i in ids))
            for i, row in zip(ids, matrix, strict=True):
                print(f"{i:<11}" + "".join(f"{v:8.1f}" for v in row))
        print()

    ok = True
    print(f"{'vision':<13} {'min ΔE':>7}  closest pair")
    for vision, d in minima(pair_distances(palette)).items():
        flag = "" if d.delta_e >= args.threshold else "  <-- below threshold"
        ok &= d.delta_e >= args.threshold
        print(f"{vision:<13} {d.delta_e:7.2f}  {d.a} / {d.b}{flag}")

    contrasts = label_contrasts(palette)
    worst = min(contrasts, key=contrasts.__getitem__)
    ok &= contrasts[worst] >= MIN_LABEL_CONTRAST
    print(f"label {LABEL_COLOUR} contrast over fills: min {contrasts[worst]:.2f} ({worst}), need {MIN_LABEL_CONTRAST}")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
