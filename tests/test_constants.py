"""assets/constants.js: generated from ids.py and the map spec, current, and the only place assets/*.js spell a
component id, a layer id or a colour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard import embed, ids
from dashboard.render import constants

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SCRIPTS = sorted(p for p in ASSETS.glob("*.js") if p.name != "constants.js")
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(")
COMMENT = re.compile(r"/\*.*?\*/|^\s*//.*?$|\s//\s.*?$", re.DOTALL | re.MULTILINE)
# Names that are also an address's parameters (?place=): a script reads the address by them.
PARAMETERS = set(embed.ALLOWED)


def test_constants_js_is_current() -> None:
    """Run `python -m dashboard.render.constants` after changing ids.py or the spec's names."""
    assert (ASSETS / "constants.js").read_text(encoding="utf-8") == constants.source()


def test_constants_carry_every_component_id() -> None:
    shared = constants.constants()["ids"]
    assert shared["MAP"] == ids.MAP and shared["SLIDER"] == ids.SLIDER
    assert set(shared.values()) == {v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)}


def literals(source: str, value: str) -> list[str]:
    """`value` as a whole quoted string, or as a `#id` selector inside one."""
    escaped = re.escape(value)
    return re.findall(rf"([\"'`])#?{escaped}\1|#{escaped}(?![\w-])", source)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_component_id_layer_id_or_colour_is_spelled_in_a_script(script: Path) -> None:
    source = COMMENT.sub("", script.read_text(encoding="utf-8"))
    shared = constants.constants()
    names = [*shared["ids"].values(), *shared["layers"].values(), *shared["under"].values()]
    names = [name for name in names if name not in PARAMETERS]
    assert [name for name in names if literals(source, name)] == []
    assert COLOUR.findall(source) == []
