"""One date rule for every reader of an address or a command: the app, /embed, the downloads, the CLI."""

from __future__ import annotations

import dataclasses

import pytest
from toy import D, toy_atlas

from dashboard import embed, query
from dashboard.callbacks import parse_query

DATES = (D("2024-12-01"), D("2024-12-02"), D("2024-12-05"))  # a gap: no map for 3 and 4 December
ATLAS = toy_atlas()
GAPPED = dataclasses.replace(ATLAS, dates=DATES)


@pytest.mark.parametrize(
    ("raw", "shown", "exact"),
    [
        ("2024-12-02", "2024-12-02", True),
        ("2024-12-04", "2024-12-02", False),  # between two maps: the earlier one, which holds until the next
        ("2024-11-20", "2024-12-01", False),  # before the first
        ("2025-01-01", "2024-12-05", False),  # after the last
        ("2024-13-45", "2024-12-05", False),  # malformed: the default
        ("<b>", "2024-12-05", False),
    ],
)
def test_the_date_rule(raw: str, shown: str, exact: bool) -> None:
    day, notice = query.read_date(raw, DATES, DATES[-1])
    assert day == D(shown)
    assert (notice is None) == exact
    if notice:
        assert notice.endswith(f"showing {shown}.") and "<b>" not in notice
    assert query.exact_date(raw, DATES) == (D(shown) if exact else None)


@pytest.mark.parametrize("raw", ["2024-12-04", "2024-11-20", "2025-01-01", "2024-12-02", "nonsense"])
def test_the_app_and_embed_show_the_same_date_with_the_same_notice(raw: str) -> None:
    app = parse_query(f"?date={raw}", GAPPED, len(DATES) - 1)
    embedded = embed.parse_query({"date": raw}, GAPPED)
    assert GAPPED.dates[app.index] == embedded.day
    assert app.notice == " ".join(embedded.notices)


def test_since_follows_the_date_rule() -> None:
    assert query.read_since("2024-12-04", DATES) == (("date", "2024-12-02"), "No map for date “2024-12-04”: showing "
                                                    "changes since 2024-12-02.")  # fmt: skip
    assert query.read_since("first", DATES) == (("first", None), None)
    assert query.read_since("soon", DATES)[0] is None
