"""The validator and loader against a tiny valid data set and one folder per malformed input.

Each folder in fixtures/bad_inputs/ holds only the files that differ from fixtures/valid/ (same
relative paths) and an expected.yaml. A case passes only if `validate` reports exactly the
expected problems: every expected one is found, and nothing else is reported.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml

from dashboard.build import build_days, write_zones, zone_files
from dashboard.load import load_atlas, read_inputs, validate
from dashboard.problems import DataError, Problem, Report

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BAD = FIXTURES / "bad_inputs"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())
DATES = tuple(date(2024, 11, d) for d in range(26, 31))


# ---------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Expected:
    file: str
    where: str  # "" = the whole file; otherwise it must appear in Problem.where, ending at a word boundary
    rule: str
    message: str = ""  # optional substring of Problem.message

    def matches(self, problem: Problem) -> bool:
        if problem.file != self.file or problem.rule != self.rule or self.message not in problem.message:
            return False
        if not self.where:
            return problem.where == ""
        return re.search(re.escape(self.where) + r"(?!\w)", problem.where) is not None


def unmatched(expected: list[Expected], problems: list[Problem]) -> tuple[list[Expected], list[Problem]]:
    """Expected problems not reported, and reported problems not expected (one-to-one)."""
    left = list(problems)
    missing = []
    for item in expected:
        hit = next((p for p in left if item.matches(p)), None)
        if hit is None:
            missing.append(item)
        else:
            left.remove(hit)
    return missing, left


def copy_valid(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    return data


def read_case(name: str) -> dict:
    spec = yaml.safe_load((BAD / name / "expected.yaml").read_text(encoding="utf-8"))
    assert set(spec) <= {"description", "remove", "problems"}, f"{name}/expected.yaml: unknown keys"
    return spec


def prepare_case(name: str, tmp_path: Path) -> Path:
    """A copy of valid/ with the case's files laid over it and its `remove` list deleted."""
    data = copy_valid(tmp_path)
    case = BAD / name
    for source in sorted(case.rglob("*")):
        if source.is_file() and source.name != "expected.yaml":
            target = data / source.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    for relative in read_case(name).get("remove", []):
        (data / relative).unlink()
    return data


def build_zones(data: Path) -> None:
    report = Report()
    inputs = read_inputs(data, report)
    assert inputs is not None and report.problems == []
    days = build_days(inputs)
    write_zones(data / "zones", zone_files(days, inputs.timeline.places))


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(line + "\n")


# ---------------------------------------------------------------- bad inputs, one folder each


def test_there_are_enough_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", CASES)
def test_bad_input_reports_exactly_the_expected_problems(name: str, tmp_path: Path):
    spec = read_case(name)
    expected = [Expected(**item) for item in spec["problems"]]
    assert expected, f"{name}: expected.yaml lists no problems"
    problems = validate(prepare_case(name, tmp_path))
    missing, extra = unmatched(expected, problems)
    assert (missing, extra) == ([], []), "\n".join(
        ["not reported:", *map(str, missing), "reported but not expected:", *map(str, extra)]
    )


def test_cases_cover_the_rules():
    rules = {item["rule"] for name in CASES for item in read_case(name)["problems"]}
    assert rules >= {
        "missing-file", "columns", "schema", "encoding", "duplicate-id", "duplicate-location", "unknown-faction",
        "unknown-place", "outside-syria", "lat-lon-swapped", "date-out-of-range", "duplicate-event", "no-change",
        "json", "geojson", "crs", "geometry-type", "invalid-geometry", "file-name", "overlapping-overrides",
        "override-contradicts-place",
    }  # fmt: skip


def test_matcher_rejects_missing_extra_and_partial_row_numbers():
    problem = Problem("events.csv", "row 12 (place_id=x, date=2024-11-29)", "schema", "date: bad")
    assert Expected("events.csv", "row 12", "schema", "date").matches(problem)
    assert not Expected("events.csv", "row 1", "schema").matches(problem)
    assert not Expected("events.csv", "", "schema").matches(problem)
    assert not Expected("events.csv", "row 12", "unknown-place").matches(problem)
    assert not Expected("places.csv", "row 12", "schema").matches(problem)
    assert not Expected("events.csv", "row 12", "schema", "holder").matches(problem)
    missing, extra = unmatched([Expected("events.csv", "row 12", "schema")], [problem, problem])
    assert (missing, extra) == ([], [problem])
    missing, extra = unmatched([Expected("events.csv", "row 12", "schema")] * 2, [problem])
    assert (len(missing), extra) == (1, [])


def test_the_overlay_replaces_files_and_removes_listed_ones(tmp_path: Path):
    data = prepare_case("places_missing", tmp_path / "a")
    assert not (data / "places.csv").exists()
    data = prepare_case("events_unknown_place", tmp_path / "b")
    assert (data / "events.csv").read_bytes() == (BAD / "events_unknown_place" / "events.csv").read_bytes()
    assert (data / "places.csv").read_bytes() == (VALID / "places.csv").read_bytes()


# ---------------------------------------------------------------- the valid data set


def test_valid_fixture_has_no_problems(tmp_path: Path):
    assert validate(copy_valid(tmp_path)) == []


def test_valid_fixture_is_read_as_written(tmp_path: Path):
    report = Report()
    inputs = read_inputs(copy_valid(tmp_path), report)
    assert report.problems == [] and inputs is not None
    timeline = inputs.timeline
    assert timeline.faction_ids == ("government", "hts", "contested")
    assert [p.id for p in timeline.places] == ["idlib", "saraqib", "maarat_al_numan", "abu_al_duhur", "hama", "homs"]
    assert [(e.date.day, e.place_id, e.holder) for e in timeline.events] == [
        (27, "saraqib", "contested"),
        (28, "saraqib", "hts"),
        (29, "abu_al_duhur", "hts"),
        (29, "maarat_al_numan", "hts"),
        (30, "hama", "contested"),
    ]
    assert [(o.date, o.faction, o.label) for o in inputs.overrides] == [
        (date(2024, 11, 29), "hts", "overrides/2024-11-29.geojson#feature 0")
    ]
    assert (inputs.dataset.baseline, inputs.dataset.end) == (DATES[0], DATES[-1])


def test_validate_and_load_leave_every_file_byte_identical(tmp_path: Path):
    data = copy_valid(tmp_path)
    build_zones(data)
    before = digests(data)
    assert "zones/2024-11-30.geojson" in before
    assert validate(data) == []
    assert digests(data) == before
    atlas = load_atlas(data, strict=True)
    assert atlas.dates == DATES
    assert digests(data) == before
    assert digests(VALID) == digests(copy_valid(tmp_path / "again"))  # the fixture itself was never written to


def test_load_atlas_serves_the_valid_fixture(tmp_path: Path):
    data = copy_valid(tmp_path)
    build_zones(data)
    atlas = load_atlas(data)
    assert atlas.dates == DATES
    assert set(atlas.zones) == set(DATES)
    assert set(atlas.summaries) == {"saraqib"}
    assert atlas.summaries["saraqib"].sources[0].url == "https://example.org/fixture/saraqib-2"
    assert atlas.attribution.startswith("Test fixture")
    assert len(atlas.timeline.events) == 5


# ---------------------------------------------------------------- strict and lenient loading

BAD_EVENT = "2024-11-30,homs,sna,reported,https://example.org/fixture/homs,Fixture homs,2024-11-30,Names Homs,,,"


def test_lenient_load_drops_only_the_bad_row(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    data = copy_valid(tmp_path)
    build_zones(data)
    good = load_atlas(data, strict=True)
    append(data / "events.csv", BAD_EVENT)
    with caplog.at_level(logging.WARNING, logger="dashboard.load"):
        atlas = load_atlas(data, strict=False)
    assert atlas.timeline == good.timeline  # all 6 places and 5 good events, nothing else
    assert atlas.dates == DATES
    assert atlas.zones == good.zones
    assert atlas.summaries == good.summaries
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "events.csv row 7" in warnings[0] and "[unknown-faction]" in warnings[0]


def test_strict_load_raises_naming_file_row_and_rule(tmp_path: Path):
    data = copy_valid(tmp_path)
    build_zones(data)
    append(data / "events.csv", BAD_EVENT)
    with pytest.raises(DataError) as raised:
        load_atlas(data, strict=True)
    assert [(p.file, p.rule) for p in raised.value.problems] == [("events.csv", "unknown-faction")]
    message = str(raised.value)
    assert message.startswith("events.csv row 7 (place_id=homs, date=2024-11-30): [unknown-faction] ")
    assert "'sna'" in message


def test_lenient_load_without_built_zones_still_raises(tmp_path: Path):
    data = copy_valid(tmp_path)
    with pytest.raises(DataError) as raised:
        load_atlas(data, strict=False)
    assert {(p.file, p.rule) for p in raised.value.problems} == {
        (f"zones/{folder}{d.isoformat()}.geojson", "missing-file") for d in DATES for folder in ("", "claimed/")
    }


def test_unreadable_zone_file_names_its_folder(tmp_path: Path):
    data = copy_valid(tmp_path)
    build_zones(data)
    (data / "zones" / "2024-11-28.geojson").write_text("{", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_atlas(data)
    assert [(p.file, p.where, p.rule) for p in raised.value.problems] == [("zones/2024-11-28.geojson", "", "json")]


# ---------------------------------------------------------------- Problem


def test_problem_str_names_file_where_rule_and_message():
    problem = Problem("events.csv", "row 3 (place_id=hama, date=2024-11-30)", "unknown-faction", "holder 'sna' ...")
    assert str(problem) == "events.csv row 3 (place_id=hama, date=2024-11-30): [unknown-faction] holder 'sna' ..."


def test_problem_str_for_a_whole_file():
    assert str(Problem("places.csv", "", "missing-file", "gone")) == "places.csv: [missing-file] gone"
