"""`python -m dashboard run` takes its settings from the DASHBOARD_* variables, as the README says, and from its
options over them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import dashboard.app
import dashboard.serving
from dashboard.cli import main
from dashboard.config import Settings


class Started:
    """Stands in for the server start only: records the settings the app was made with and what it ran on."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.ran: dict[str, Any] = {}
        self.server = object()

    def create_app(self, settings: Settings) -> Started:
        self.settings = settings
        return self

    def run(self, **kwargs: Any) -> None:
        self.ran = kwargs


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Started:
    started = Started()
    monkeypatch.setattr(dashboard.app, "create_app", started.create_app)
    monkeypatch.setattr(dashboard.serving, "warm", lambda server: None)
    return started


def test_run_honours_the_environment(started: Started, tmp_path: Path) -> None:
    env = {
        "DASHBOARD_DATA_DIR": str(tmp_path),
        "DASHBOARD_HOST": "0.0.0.0",
        "DASHBOARD_PORT": "9123",
        "DASHBOARD_BASEMAP": "carto-positron",
        "DASHBOARD_DEBUG": "1",
        "DASHBOARD_EMBED_ORIGINS": "https://news.example",
        "DASHBOARD_STATE_DIR": str(tmp_path / "state"),
    }
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code == 0, result.output
    assert started.settings == Settings(
        data_dir=tmp_path,
        host="0.0.0.0",
        port=9123,
        basemap="carto-positron",
        debug=True,
        embed_origins=("https://news.example",),
        state_dir=tmp_path / "state",
    )
    assert started.ran == {"host": "0.0.0.0", "port": 9123, "debug": True}


def test_options_win_over_the_environment(started: Started) -> None:
    result = CliRunner().invoke(main, ["run", "--port", "9200"], env={"DASHBOARD_PORT": "9123"})
    assert result.exit_code == 0, result.output
    assert started.settings is not None and started.settings.port == 9200
