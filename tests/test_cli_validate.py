"""`python -m dashboard validate` as a user runs it: exit status and what it prints."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def make_data(tmp_path: Path, case: str | None = None) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "valid", data)
    if case:
        folder = FIXTURES / "bad_inputs" / case
        for source in folder.rglob("*"):
            if source.is_file() and source.name != "expected.yaml":
                target = data / source.relative_to(folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    return data


def run_validate(data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "validate", "--data-dir", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_valid_data_exits_0(tmp_path: Path):
    data = make_data(tmp_path)
    result = run_validate(data)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip() == f"{data}: all inputs valid"


@pytest.mark.parametrize(
    ("case", "line_start"),
    [
        ("events_unknown_place", "events.csv row 7 (place_id=khan_shaykhun, date=2024-11-30): [unknown-place] "),
        ("places_lat_lon_swapped", "places.csv row 7 (place_id=homs): [lat-lon-swapped] "),
        ("override_overlapping", "overrides/2024-11-29.geojson feature 1: [overlapping-overrides] "),
        ("override_shapefile_without_prj", "overrides/2024-11-29.shp: [crs] "),
    ],
)
def test_bad_data_exits_1_naming_file_where_and_rule(tmp_path: Path, case: str, line_start: str):
    data = make_data(tmp_path, case)
    result = run_validate(data)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith(line_start)] == lines[:1], result.stderr
    assert lines[1:] == [f"1 problem(s) found in {data}"]
    assert "all inputs valid" not in result.stdout


def test_every_problem_is_listed(tmp_path: Path):
    data = make_data(tmp_path, "events_source_url_not_http")
    result = run_validate(data)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == [
        "events.csv row 7 (place_id=homs, date=2024-11-28)",
        "events.csv row 8 (place_id=homs, date=2024-11-29)",
        "events.csv row 9 (place_id=homs, date=2024-11-30)",
    ]
    assert all("[schema] source_url" in line for line in lines[:3])
    assert lines[3:] == [f"3 problem(s) found in {data}"]
