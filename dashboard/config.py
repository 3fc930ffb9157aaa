"""Settings, from defaults, the environment and the command line."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data" / "geo"
BASEMAPS = ("offline", "carto-positron", "carto-darkmatter", "open-street-map")
EMBED_ORIGINS = ("'self'", "https:")  # who may frame /embed: the app itself and any https page


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    host: str = "127.0.0.1"
    port: int = 8050
    basemap: str = "offline"
    debug: bool = False
    embed_origins: tuple[str, ...] = EMBED_ORIGINS  # CSP frame-ancestors for /embed (security.py)
    state_dir: Path = PROJECT_ROOT / ".state"  # the last good data set, for a restart with broken data (live_data.py)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Defaults overridden by DASHBOARD_DATA_DIR, _HOST, _PORT, _BASEMAP, _DEBUG, _EMBED_ORIGINS (space-separated),
        _STATE_DIR."""
        env = os.environ if environ is None else environ
        settings = cls()
        if "DASHBOARD_DATA_DIR" in env:
            settings = replace(settings, data_dir=Path(env["DASHBOARD_DATA_DIR"]))
        if "DASHBOARD_HOST" in env:
            settings = replace(settings, host=env["DASHBOARD_HOST"])
        if "DASHBOARD_PORT" in env:
            settings = replace(settings, port=int(env["DASHBOARD_PORT"]))
        if "DASHBOARD_BASEMAP" in env:
            settings = replace(settings, basemap=env["DASHBOARD_BASEMAP"])
        if "DASHBOARD_DEBUG" in env:
            settings = replace(settings, debug=env["DASHBOARD_DEBUG"].lower() in ("1", "true", "yes"))
        if "DASHBOARD_EMBED_ORIGINS" in env:
            settings = replace(settings, embed_origins=tuple(env["DASHBOARD_EMBED_ORIGINS"].split()))
        if "DASHBOARD_STATE_DIR" in env:
            settings = replace(settings, state_dir=Path(env["DASHBOARD_STATE_DIR"]))
        settings.check()
        return settings

    def check(self) -> None:
        if self.basemap not in BASEMAPS:
            raise ValueError(f"basemap must be one of {', '.join(BASEMAPS)}, not {self.basemap!r}")
        if not 0 < self.port < 65536:
            raise ValueError(f"port must be 1-65535, not {self.port}")
