"""Source quality: which site a URL belongs to, the `confirmed` rule, and who cites what. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from dashboard.model import CONFIDENCES, AreaEvent, Event

INDEPENDENT_KINDS = ("wire", "independent", "monitor")
PARTY_KINDS = ("state_media", "partisan")


@dataclass(frozen=True)
class Site:
    """One cited domain (a row of sources.csv)."""

    domain: str
    name: str
    kind: str  # wire, independent, monitor, state_media, partisan, reference, mirror
    country: str
    party: str = ""  # for state or partisan media: the party to the war whose voice it is (a faction id)


def site_of(url: str, sites: Mapping[str, Site]) -> Site | None:
    """The listed site whose domain is the URL's host or a parent of it (www. ignored)."""
    host = (urlparse(url).hostname or "").removeprefix("www.")
    parts = host.split(".")
    for i in range(len(parts) - 1):
        site = sites.get(".".join(parts[i:]))
        if site is not None:
            return site
    return None


def meets_confirmed_rule(urls: Iterable[str], losing: Iterable[str], sites: Mapping[str, Site]) -> bool:
    """`confirmed` needs two independent outlets (different domains) or the losing side's own admission
    (its state or partisan media). A party's media alone, or one outlet, is at most `reported`."""
    cited = [s for s in (site_of(u, sites) for u in urls if u) if s is not None]
    independent = {s.domain for s in cited if s.kind in INDEPENDENT_KINDS}
    losers = set(losing)
    admitted = any(s.kind in PARTY_KINDS and s.party in losers for s in cited)
    return len(independent) >= 2 or admitted


@dataclass(frozen=True)
class SourceTally:
    """Who backs the record: rows per domain and per URL, and the confidence mix."""

    by_domain: list[tuple[str, int]]  # most rows first
    by_url: list[tuple[str, int]]
    confidence: dict[str, int]  # sourced rows (point and area) per confidence
    point_rows: int
    area_rows: int
    inferred_places: int  # changes of hands inferred from a neighbour, citing no source


def tally(
    point_events: Iterable[Event], area_events: Iterable[AreaEvent], inferred: int, sites: Mapping[str, Site]
) -> SourceTally:
    rows = [*point_events, *area_events]
    urls = Counter(r.source_url for r in rows)
    domains = Counter((s.domain if (s := site_of(r.source_url, sites)) else "(unlisted)") for r in rows)
    mix = Counter(r.confidence for r in rows)
    return SourceTally(
        domains.most_common(),
        urls.most_common(),
        {c: mix.get(c, 0) for c in CONFIDENCES},
        sum(isinstance(r, Event) for r in rows),
        sum(isinstance(r, AreaEvent) for r in rows),
        inferred,
    )
