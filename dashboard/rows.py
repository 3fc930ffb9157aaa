"""What a valid row of each analyst file is: the schemas readers check rows against, and `explain` to say why a
row fails one."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dashboard.model import CONFIDENCES

# "site": oil and gas fields, mines, dams, junctions: real places without residents.
PLACE_KINDS = ("city", "town", "village", "district", "airbase", "military_site", "hill", "crossing", "site")
SOURCE_KINDS = ("wire", "independent", "monitor", "state_media", "partisan", "reference", "mirror")


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
        raise ValueError("must be an http(s) URL")
    return value


class _Row(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=True)


class FactionRow(_Row):
    faction_id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    label_ar: str = Field(min_length=1)
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    order: int
    description: str = ""


class PlaceRow(_Row):
    place_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    name_en: str = Field(min_length=1)
    name_ar: str = ""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    kind: str
    governorate: str = Field(min_length=1)
    population: int | None = Field(default=None, ge=0)
    baseline_holder: str
    coord_source: str = ""
    note: str = ""
    follows: str = ""

    @field_validator("population", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in PLACE_KINDS:
            raise ValueError(f"must be one of {', '.join(PLACE_KINDS)}")
        return value


def _iso(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


class SourcedRow(_Row):
    """What every sourced row carries: its date, the source, when it was published, and what it says."""

    date: date
    confidence: str
    source_url: str
    source_title: str = Field(min_length=1)
    published: date | None = None  # blank only for an undated retrospective (e.g. an encyclopedia article)
    evidence: str = Field(min_length=1)  # where the source names the place or its area, and the change
    retrospective: str = ""  # why a source written long after the event is used
    corroboration: str = ""  # a second source's URL (needed for `confirmed`)
    note: str = ""

    @field_validator("confidence")
    @classmethod
    def _known_confidence(cls, value: str) -> str:
        if value not in CONFIDENCES:
            raise ValueError(f"must be one of {', '.join(CONFIDENCES)}")
        return value

    @field_validator("source_url")
    @classmethod
    def _http(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        return _iso(value)

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: Any) -> Any:
        return None if value == "" else _iso(value)

    @field_validator("corroboration")
    @classmethod
    def _corroboration(cls, value: str) -> str:
        return value and _http_url(value)

    @model_validator(mode="after")
    def _dated_or_retrospective(self) -> SourcedRow:
        if self.published is None and not self.retrospective:
            raise ValueError("published is blank: give the source's date, or say in `retrospective` why it has none")
        return self


class EventRow(SourcedRow):
    place_id: str = Field(min_length=1)
    holder: str = Field(min_length=1)


EVENT_COLUMNS = (
    "date", "place_id", "holder", "confidence", "source_url", "source_title", "published", "evidence",
    "retrospective", "corroboration", "note",
)  # fmt: skip


class AreaEventRow(SourcedRow):
    area: str = Field(min_length=1)
    from_holders: str = ""  # space-separated faction ids; blank = any holder
    holder: str = Field(min_length=1)


AREA_EVENT_COLUMNS = (
    "date", "area", "from_holders", "holder", "confidence", "source_url", "source_title", "published", "evidence",
    "retrospective", "corroboration", "note",
)  # fmt: skip


class SourceSite(_Row):
    """A row of sources.csv: one domain the data cites and what kind of source it is."""

    domain: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    name: str = Field(min_length=1)
    kind: str
    country: str = Field(min_length=1)
    party: str = ""  # the party to the war whose voice it is (state or partisan media)
    note: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in SOURCE_KINDS:
            raise ValueError(f"must be one of {', '.join(SOURCE_KINDS)}")
        return value


class PublishedRow(_Row):
    """A row of published_shares.csv: one faction's (or group's) share of Syria on a published map."""

    figure: str = Field(pattern=r"^[a-z0-9_]+$")
    source: str = Field(min_length=1)
    map_date: date
    compare_on: date
    url: str
    factions: str = Field(min_length=1)  # faction ids joined by "+"
    percent: float = Field(ge=0, le=100)
    note: str = ""

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        return _http_url(value)


class SourceEntry(_Row):
    title: str = Field(min_length=1)
    url: str

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        return _http_url(value)


class SummaryEntry(_Row):
    summary: str = Field(min_length=1)
    sources: list[SourceEntry] = Field(min_length=1)
    summary_ar: str = ""
    sources_ar: list[SourceEntry] = Field(default_factory=list)

    @field_validator("summary_ar")
    @classmethod
    def _arabic(cls, value: str) -> str:
        if value and not re.search("[\u0600-\u06ff]", value):
            raise ValueError("must be written in Arabic")
        return value


class DatasetInfo(_Row):
    title: str
    baseline: date
    end: date
    as_of: date
    attribution: str = Field(min_length=1)
    attribution_ar: str = ""

    @model_validator(mode="after")
    def _end_after_baseline(self) -> DatasetInfo:
        if self.end <= self.baseline:
            raise ValueError(f"end ({self.end}) must be after baseline ({self.baseline})")
        return self


def explain(error: ValidationError) -> str:
    parts = []
    for e in error.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "row"
        parts.append(f"{loc}: {e['msg']}")
    return "; ".join(parts)
