"""House rules that code review alone would let slip."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dashboard"
# Core modules: pure data and geometry, usable without a web stack.
CORE = ("model", "config", "files", "problems", "rows", "sourcing", "polygon_files", "read_geo", "read_tables",
        "read_events", "load", "timeline", "zones", "build", "i18n", "text", "query", "render/style", "render/schema",
        "render/spec")  # fmt: skip
WEB = ("dash", "plotly", "flask")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # `from dashboard import figures`
    return names


@pytest.mark.parametrize("module", CORE)
def test_core_modules_never_import_the_web_stack(module: str) -> None:
    imports = imported_modules(PACKAGE / f"{module}.py")
    assert not {name for name in imports if name.split(".")[0] in WEB}


# The one-way flow (README, "Architecture"): files → readers → the validated model → pure questions → the map spec →
# renderers → the web app. The readers use the problem and row types and the timeline's rules; load runs them.
FLOW = [
    ("model", "config", "ids", "files"),
    ("problems", "rows", "sourcing", "polygon_files", "timeline"),
    ("read_geo", "read_tables", "read_events"),
    ("load", "build", "zones", "stats", "summary", "analytics", "analytics_payload", "i18n", "text", "query"),
    ("render/style", "render/schema"),
    ("render/spec",),
    ("render/traces", "render/geo", "render/replay", "render/images", "render/browser", "render/panel"),
]
LATER = ("figures", "charts", "language", "layout", "callbacks", "embed", "downloads", "analytics_layout",
         "analytics_callbacks", "security", "serving", "routes", "app", "live_data", "cli", "export", "gis",
         "renders", "site", "render/constants", "cli_export", "cli_options", "shell")  # fmt: skip


@pytest.mark.parametrize("level", range(len(FLOW)))
def test_imports_point_one_way(level: int) -> None:
    later = [m for stage in FLOW[level + 1 :] for m in stage] + list(LATER)
    banned = {f"dashboard.{m.replace('/', '.')}" for m in later}
    for module in FLOW[level]:
        imports = imported_modules(PACKAGE / f"{module}.py")
        assert not imports & banned, (module, imports & banned)


def test_every_route_is_in_the_routes_table() -> None:
    """A path a visitor can ask for is registered in routes.py; serving.py only names the content-hashed data."""
    registering = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in {"add_url_rule", "route"}
    }
    assert registering == {"routes.py", "serving.py"}


def test_every_module_has_its_place_in_the_flow() -> None:
    """A new module goes into FLOW or LATER, so the test above checks what it imports or who imports it."""
    placed = {m for stage in FLOW for m in stage} | set(LATER)
    modules = {p.relative_to(PACKAGE).with_suffix("").as_posix() for p in PACKAGE.rglob("*.py")}
    assert {m for m in modules if not m.endswith("__init__") and m != "__main__"} == placed


def test_model_does_no_io_and_imports_no_project_module() -> None:
    imports = imported_modules(PACKAGE / "model.py")
    assert not {name for name in imports if name.startswith("dashboard")}
    assert "open(" not in (PACKAGE / "model.py").read_text(encoding="utf-8")


def test_ruff_is_clean() -> None:
    """The ruff of this interpreter's environment (requirements-dev.txt), not whichever is first on PATH."""
    command = [sys.executable, "-m", "ruff", "check", str(PACKAGE.parent)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert "No module named ruff" not in result.stderr, "ruff is not installed (pip install -r requirements-dev.txt)"
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_test_command_is_what_ci_runs() -> None:
    root = PACKAGE.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command == "python -m pytest"
    assert f"\n{command}\n" in readme
