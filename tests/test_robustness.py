"""Issue 15's bugs: a CSV the csv module cannot read, deep JSON in callback bodies, what /embed repeats, the CLI's
errors for bad data, download headers, and date forms in addresses."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_security import callback_body
from werkzeug.test import Client

from dashboard import ids
from dashboard.build import build_days, write_zones, zone_files
from dashboard.config import Settings
from dashboard.live_data import SNAPSHOT, LiveServer
from dashboard.load import load_atlas, read_inputs, validate
from dashboard.problems import Report
from dashboard.security import depth

ROOT = Path(__file__).resolve().parent.parent
VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
LONG_NOTE = "x" * 200_000  # past the csv module's field limit (131,072)
BIDI = "\u202e"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    report = Report()
    inputs = read_inputs(data, report)
    assert inputs is not None
    write_zones(data / "zones", zone_files(build_days(inputs), inputs.timeline.places))
    return Settings(data_dir=data, state_dir=tmp_path / "state")


def overflow(data: Path) -> None:
    """An event whose note is longer than any field the csv module reads, on line 4."""
    events = data / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].rstrip("\n") + LONG_NOTE + "\n"
    events.write_text("".join(lines), encoding="utf-8")


def dashboard(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
        timeout=timeout, check=False,
    )  # fmt: skip


# ---------------------------------------------------------------- a CSV field past the csv module's limit


def test_an_overlong_csv_field_is_a_problem_naming_file_row_and_rule(settings: Settings) -> None:
    overflow(settings.data_dir)
    problems = [str(p) for p in validate(settings.data_dir)]
    assert any(p.startswith("events.csv row 4: [csv-syntax]") and "field larger than" in p for p in problems), problems


@pytest.mark.parametrize("command", ["validate", "build"])
def test_validate_and_build_print_the_problem_not_a_traceback(settings: Settings, command: str) -> None:
    overflow(settings.data_dir)
    result = dashboard(command, "--data-dir", str(settings.data_dir))
    assert result.returncode == 1
    assert "events.csv row 4: [csv-syntax]" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_restart_with_an_overlong_field_serves_the_last_good_data(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    LiveServer(settings, poll_seconds=None)
    assert (settings.state_dir / SNAPSHOT).exists()
    overflow(settings.data_dir)
    restarted = LiveServer(settings, poll_seconds=None)
    assert Client(restarted).get("/").status_code == 200
    assert "events.csv row 4: [csv-syntax]" in caplog.text


def test_a_running_server_reports_a_broken_file_once_without_a_traceback(
    settings: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = LiveServer(settings, poll_seconds=None)
    overflow(settings.data_dir)
    caplog.set_level(logging.INFO)
    assert live.check() is False
    assert "events.csv row 4: [csv-syntax]" in caplog.text and "Traceback" not in caplog.text
    caplog.clear()
    assert live.check() is False and caplog.text == ""


def test_any_loader_exception_is_a_named_problem_and_the_old_data_stays(
    settings: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = LiveServer(settings, poll_seconds=None)
    served = live.current

    def broken(data_dir: Path, **options: Any) -> Any:  # the data folder's files, not the snapshot's copy
        if data_dir == settings.data_dir:
            raise RecursionError("maximum recursion depth exceeded")
        return load_atlas(data_dir, **options)

    monkeypatch.setattr("dashboard.live_data.load_atlas", broken)
    (settings.data_dir / "dataset.yaml").write_text(
        (settings.data_dir / "dataset.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert live.check() is False and live.current is served
    assert "[unreadable] RecursionError: maximum recursion depth exceeded" in caplog.text
    caplog.clear()
    assert live.check() is False and caplog.text == ""
    restarted = LiveServer(settings, poll_seconds=None)  # the snapshot covers it at start too
    assert Client(restarted).get("/").status_code == 200


def test_run_with_bad_data_prints_the_problems_and_exits_1(settings: Settings, tmp_path: Path) -> None:
    overflow(settings.data_dir)
    result = dashboard("run", "--data-dir", str(settings.data_dir), "--port", "1")
    assert result.returncode == 1
    assert "events.csv row 4: [csv-syntax]" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- callback bodies


def nested(depth: int) -> bytes:
    return b'{"output":' + b"[" * depth + b"]" * depth + b"}"


def deep_object(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


@pytest.mark.parametrize("levels", [980, 100_000])
def test_deeply_nested_json_in_a_well_formed_body_is_a_400(
    app: Any, client: Any, caplog: pytest.LogCaptureFixture, levels: int
) -> None:
    """A figure is any object: the deep one goes where a well-formed request has its value."""
    body = json.dumps(callback_body(app, (ids.COMPARE_MAP, "figure"), "DEEP")).replace('"DEEP"', deep_object(levels))
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


def test_a_well_formed_body_with_a_shallow_object_is_answered(app: Any, client: Any) -> None:
    body = json.dumps(callback_body(app, (ids.COMPARE_MAP, "figure"), "DEEP")).replace('"DEEP"', deep_object(20))
    assert client.post("/_dash-update-component", data=body, content_type="application/json").status_code in (200, 204)
    assert depth(json.loads(deep_object(20))) == 20


# ---------------------------------------------------------------- what /embed repeats


@pytest.mark.parametrize(
    "query",
    ids=["bidi", "long-place", "bidi-date", "long-lang", "bidi-key", "long-zoom", "long-bbox", "bidi-flag", "keys"],
    argvalues=[
        f"place={BIDI}Assad%20has%20fallen{BIDI}",
        "place=" + "A" * 8000,
        f"date=2024-13-01{BIDI}",
        "lang=" + "Z" * 500,
        f"{BIDI}evil=1",
        "zoom=" + "9" * 300 + "x",
        "bbox=" + "1," * 2000,
        f"controls=maybe{BIDI}",
        "&".join(f"k{i}=1" for i in range(500)),
    ],
)
def test_embed_notices_never_repeat_long_or_bidi_text(client: Any, query: str) -> None:
    page = client.get(f"/embed?{query}").get_data(as_text=True)
    notice = page.split('role="status">', 1)[1].split("</p>", 1)[0]
    assert BIDI not in notice and "AAAA" not in notice and "ZZZZ" not in notice and "9999" not in notice
    assert len(notice) < 400


def test_a_short_plain_value_is_still_quoted_in_the_notice(client: Any) -> None:
    assert "Unknown place “atlantis”." in client.get("/embed?place=atlantis").get_data(as_text=True)


# ---------------------------------------------------------------- downloads and dates


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/download/2024-12-05/places.csv", "text/csv; charset=utf-8"), ("/export/html", "text/html; charset=utf-8")],
)
def test_text_downloads_name_their_charset_once(client: Any, path: str, content_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type


@pytest.mark.parametrize("alias", ["20241205", "2024-W49-4", "2024W494", "2024-340", "2024-12-05T00:00"])
def test_date_aliases_are_a_404_naming_the_accepted_form(client: Any, alias: str) -> None:
    response = client.get(f"/download/{alias}/places.csv")
    assert response.status_code == 404
    assert b"YYYY-MM-DD" in response.data and alias.encode() not in response.data
    assert client.get(f"/export/png?date={alias}").status_code == 404
    assert "must be YYYY-MM-DD" in client.get(f"/embed?date={alias}").get_data(as_text=True)
