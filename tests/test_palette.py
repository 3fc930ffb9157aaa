"""The faction palette (data/geo/factions.csv) must stay distinguishable, also under colour-vision deficiency.

The maths lives in scripts/check_palette.py (see its docstring for the method and the threshold);
this test loads it by path so that the script and the test can never disagree.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
FACTIONS_CSV = ROOT / "data" / "geo" / "factions.csv"
REQUIRED_IDS = ["government", "hts", "sna", "sdf", "sfa", "south", "suwayda", "israel", "contested"]


def _load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_palette", ROOT / "scripts" / "check_palette.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


cp = _load_checker()


@pytest.fixture(scope="module")
def palette() -> dict[str, str]:
    return cp.load_factions(FACTIONS_CSV)


def test_csv_header_and_rows() -> None:
    with FACTIONS_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fh.seek(0)
        assert fh.readline().rstrip("\n") == "faction_id,label,label_ar,colour,order,description"
    assert [r["faction_id"] for r in rows] == REQUIRED_IDS
    assert sorted(int(r["order"]) for r in rows) == list(range(1, len(rows) + 1))
    for r in rows:
        assert r["label"].strip() and r["description"].strip()
        assert any("\u0600" <= ch <= "\u06ff" for ch in r["label_ar"]), r["label_ar"]
        cp.hex_to_rgb1(r["colour"])  # lower-case #rrggbb


def test_colours_are_unique(palette: dict[str, str]) -> None:
    assert len(set(palette.values())) == len(palette)


@pytest.mark.parametrize("vision", list(cp.VISIONS))
def test_every_pair_distinguishable(palette: dict[str, str], vision: str) -> None:
    pairs = [d for d in cp.pair_distances(palette) if d.vision == vision]
    assert len(pairs) == len(palette) * (len(palette) - 1) // 2
    too_close = [f"{d.a}/{d.b}: ΔE {d.delta_e:.1f}" for d in pairs if d.delta_e < cp.MIN_DELTA_E]
    assert not too_close, f"{vision}: pairs below ΔE {cp.MIN_DELTA_E}: {too_close}"


def test_dark_labels_readable_on_every_fill(palette: dict[str, str]) -> None:
    low = {k: round(v, 2) for k, v in cp.label_contrasts(palette).items() if v < cp.MIN_LABEL_CONTRAST}
    assert not low, f"label contrast below {cp.MIN_LABEL_CONTRAST}: {low}"


def test_script_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert cp.main(["--factions", str(FACTIONS_CSV)]) == 0
    assert "OK" in capsys.readouterr().out


# ---- the check must be able to fail -----------------------------------------------------------------

GOOD = {"government": "#9d0014", "hts": "#27a500", "sdf": "#fff600", "contested": "#8d8d8d"}


@pytest.mark.parametrize(
    ("bad_palette", "expected_failing_visions"),
    [
        pytest.param({**GOOD, "sna": GOOD["hts"]}, set(cp.VISIONS), id="duplicate-colour"),
        # Classic red/green pair (matplotlib tab:red / tab:green): ΔE ~39 for normal vision, ~5 for deuteranopes.
        pytest.param({"government": "#d62728", "hts": "#2ca02c"}, {"deuteranopia"}, id="red-green"),
        # Light orange vs orchid: ΔE ~26 for normal vision, ~6 under tritanopia only.
        pytest.param({"sdf": "#e1af5f", "south": "#dd85db"}, {"tritanopia"}, id="orange-orchid"),
        # Near-identical blues: fails everywhere.
        pytest.param({"sfa": "#1f3fbf", "south": "#2343c4"}, set(cp.VISIONS), id="near-identical"),
    ],
)
def test_check_rejects_bad_palette(bad_palette: dict[str, str], expected_failing_visions: set[str]) -> None:
    failing = {d.vision for d in cp.failing_pairs(bad_palette)}
    assert failing == expected_failing_visions


def test_script_fails_on_bad_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "factions.csv"
    bad.write_text(
        "faction_id,label,label_ar,colour,order,description\n"
        "government,Gov,الحكومة,#d62728,1,x\n"
        "hts,HTS,هيئة,#2ca02c,2,x\n",
        encoding="utf-8",
    )
    assert cp.main(["--factions", str(bad)]) == 1
    assert "below threshold" in capsys.readouterr().out


def test_compositing_and_simulation_basics() -> None:
    red = np.array([[1.0, 0.0, 0.0]])
    assert np.allclose(cp.composite(red, opacity=1.0), red)
    assert np.allclose(cp.composite(red, opacity=0.0), cp.hex_to_rgb1(cp.BACKGROUND))
    for vision in ("deuteranopia", "protanopia", "tritanopia"):
        assert not np.allclose(cp.simulate(red, vision), red)
    assert cp.delta_e_matrix(np.vstack([red, red]))[0, 1] == pytest.approx(0.0, abs=1e-9)
