"""Which site a URL belongs to and the `confirmed` rule, on a toy list of sites."""

from dashboard.sourcing import Site, meets_confirmed_rule, site_of

SITES = {
    s.domain: s
    for s in (
        Site("wire.example", "Wire", "wire", "X"),
        Site("paper.example", "Paper", "independent", "Y"),
        Site("statetv.example", "State TV", "state_media", "Z", party="gov"),
        Site("copies.example", "Copies", "mirror", "X"),
    )
}


def test_a_url_belongs_to_the_listed_domain_or_a_parent_of_its_host() -> None:
    assert site_of("https://www.wire.example/story", SITES).name == "Wire"
    assert site_of("https://english.paper.example:443/a?b=c", SITES).name == "Paper"
    assert site_of("https://unlisted.example/a", SITES) is None


def test_confirmed_needs_two_independent_domains_or_the_losing_sides_admission() -> None:
    one = ("https://wire.example/a",)
    two = ("https://wire.example/a", "https://paper.example/b")
    same_domain_twice = ("https://wire.example/a", "https://wire.example/b")
    assert meets_confirmed_rule(two, ("gov",), SITES)
    assert not meets_confirmed_rule(one, ("gov",), SITES)
    assert not meets_confirmed_rule(same_domain_twice, ("gov",), SITES)
    assert meets_confirmed_rule(("https://statetv.example/a",), ("gov",), SITES)  # the loser admits it
    assert not meets_confirmed_rule(("https://statetv.example/a",), ("reb",), SITES)  # the winner's own media
    assert not meets_confirmed_rule(("https://copies.example/a", "https://wire.example/a"), ("gov",), SITES)
