"""The place panel's content, place search and key dates, on the toy atlas."""

from __future__ import annotations

from dataclasses import replace

from toy import D, event, toy_atlas

from dashboard.summary import find_place, fold, key_dates, place_panel, search_text

ATLAS = toy_atlas()


def test_panel_holder_follows_the_day() -> None:
    assert place_panel(ATLAS, "hama", D("2024-12-04")).holder.id == "government"
    assert place_panel(ATLAS, "hama", D("2024-12-05")).holder.id == "hts"


def test_panel_names_history_and_summary() -> None:
    panel = place_panel(ATLAS, "hama", D("2024-12-10"))
    assert (panel.place.name_en, panel.place.name_ar) == ("Hama", "حماة")
    assert [(r.date.isoformat(), r.before.id, r.after.id, r.confidence) for r in panel.history] == [
        ("2024-12-05", "government", "hts", "confirmed")
    ]
    assert panel.history[0].source_url == "https://example.org/hama/2024-12-05"
    assert panel.summary.text.startswith("Hama fell on 5 December")
    assert [s.url for s in panel.summary.sources] == ["https://example.org/hama"]


def test_panel_for_a_quiet_place_has_no_history_or_summary() -> None:
    panel = place_panel(ATLAS, "idlib", D("2024-11-26"))
    assert panel.history == () and panel.summary is None and panel.holder.id == "hts"


def test_panel_for_an_unknown_place_is_none() -> None:
    assert place_panel(ATLAS, "atlantis", D("2024-11-26")) is None


def test_fold_ignores_case_diacritics_and_arabic_spelling_variants() -> None:
    assert fold("Ḥamā") == "hama"
    assert fold("حماة") == fold("حماه")
    assert fold("إدلب") == fold("ادلب")


def test_find_place_by_english_arabic_or_id() -> None:
    assert find_place(ATLAS, "hama").id == "hama"
    assert find_place(ATLAS, "HAMA ").id == "hama"
    assert find_place(ATLAS, "حماة").id == "hama"
    assert find_place(ATLAS, "ادلب").id == "idlib"
    assert find_place(ATLAS, "kafr_nabl").id == "kafr_nabl"
    assert find_place(ATLAS, "Kafr").id == "kafr_nabl"  # prefix
    assert find_place(ATLAS, "lepp").id == "aleppo"  # substring
    assert find_place(ATLAS, "atlantis") is None
    assert find_place(ATLAS, "  ") is None


def test_search_text_has_names_as_written_and_folded() -> None:
    hama = next(p for p in ATLAS.timeline.places if p.id == "hama")
    assert search_text(hama) == "Hama حماة hama حماه"


def test_places_falling_on_the_same_day_share_a_mark_one_a_line() -> None:
    atlas = replace(
        ATLAS,
        timeline=replace(ATLAS.timeline, events=(*ATLAS.timeline.events, event("2024-12-05", "idlib", "government"))),
    )
    assert key_dates(atlas, ("hama", "idlib"))[D("2024-12-05")] == "Hama falls\nIdlib falls"


def test_a_contested_day_is_not_a_fall() -> None:
    atlas = replace(
        ATLAS,
        timeline=replace(ATLAS.timeline, events=(*ATLAS.timeline.events, event("2024-11-28", "aleppo", "contested"))),
    )
    assert key_dates(atlas, ("aleppo",)) == {D("2024-11-29"): "Aleppo falls"}


def test_key_dates_are_first_changes_of_hands() -> None:
    assert key_dates(ATLAS, ("aleppo", "hama", "homs", "idlib")) == {
        D("2024-11-29"): "Aleppo falls",
        D("2024-12-05"): "Hama falls",
    }
