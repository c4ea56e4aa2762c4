"""The crawler's parts on their own: addresses, members and languages asked for, robots.txt, sitemaps and links,
Retry-After, folding the diffs of several batches, the settings, and the text of progress and summary."""

from __future__ import annotations

import gzip

import pytest
from fakeogp.kit import CONTACT

from bot.common.config import ConfigError, load_settings
from bot.dataset.diff import CommitmentChange, FieldChange
from bot.services.crawl import CrawlConfig, CrawlProgress, CrawlSummary, NotConfigured, choose_langs, choose_members
from bot.services.crawl.discovery import Scope, links_in_html, sitemap_links
from bot.services.crawl.fetch import retry_after
from bot.services.crawl.progress import fold_changes
from bot.services.crawl.report import progress_line, render_progress, render_summary
from bot.services.crawl.robots import parse_robots
from bot.services.crawl.run import user_agent
from bot.services.crawl.urls import Kind, Site, public_url
from bot.services.refresh import SourceFailure

SITE = Site("https://www.opengovpartnership.org")


@pytest.mark.parametrize(("href", "kind", "url"), [
    ("/members/france/commitments/FR0038/", Kind.COMMITMENT,
     "https://www.opengovpartnership.org/members/france/commitments/FR0038/"),
    ("https://www.opengovpartnership.org/fr/members/france/commitments/FR0038#milestones", Kind.COMMITMENT,
     "https://www.opengovpartnership.org/fr/members/france/commitments/FR0038/"),
    ("/es/members/morocco/commitments/mo0026/?utm=x", Kind.COMMITMENT,
     "https://www.opengovpartnership.org/es/members/morocco/commitments/mo0026/"),
    ("/members/france/commitments/?page=3&sort=id", Kind.LISTING,
     "https://www.opengovpartnership.org/members/france/commitments/?page=3"),
    ("/members/france/commitments/?page=1", Kind.LISTING,
     "https://www.opengovpartnership.org/members/france/commitments/"),
    ("/fr/members/cote-divoire", Kind.MEMBER, "https://www.opengovpartnership.org/fr/members/cote-divoire/"),
])
def test_pages_are_recognised_by_their_address(href: str, kind: Kind, url: str) -> None:
    place = SITE.place(href)
    assert place is not None and (place.kind, place.url) == (kind, url)


@pytest.mark.parametrize("href", [
    "/members/france/action-plans/", "/about/", "https://opengovpartnership.org/members/france/",  # another host
    "http://www.opengovpartnership.org/members/france/", "https://twitter.com/opengovpart",
    "mailto:info@opengovpartnership.org", "/de/members/germany/", "/members/france/commitments/FR0038/extra/",
    "/sitemap.xml",  # only where sitemaps are listed (robots.txt, a sitemap index)
])
def test_other_addresses_are_not_followed(href: str) -> None:
    assert SITE.place(href) is None


def test_the_data_cites_the_public_address_of_a_page_wherever_it_was_crawled() -> None:
    assert public_url("http://127.0.0.1:8080/fr/members/france/commitments/FR0038/") == \
        "https://www.opengovpartnership.org/fr/members/france/commitments/FR0038/"
    ogp = "https://opengovpartnership.org/members/france/commitments/FR0038/"
    assert public_url(ogp) == ogp


def test_members_by_slug_or_any_name_and_languages() -> None:
    chosen = choose_members(["france", "Royaume-Uni,Cote d'Ivoire", "Atlantis", "FRANCE"])
    assert chosen.slugs == ["france", "united-kingdom", "cote-divoire"] and chosen.unknown == ["Atlantis"]
    assert choose_langs(None) == (("en", "fr", "es"), [])
    assert choose_langs("FR, en ,de") == (("en", "fr"), ["de"])


def test_scope() -> None:
    france = SITE.place("/fr/members/france/commitments/FR0038/")
    kenya = SITE.place("/members/kenya/commitments/KE0018/")
    assert france is not None and kenya is not None
    scope = Scope(frozenset({"france"}), ("fr",))
    assert scope.wants(france) and not scope.wants(kenya) and Scope().wants(kenya)
    assert not Scope(None, ("en",)).wants(france)


def test_robots_txt_rules_for_our_product_token_and_sitemaps() -> None:
    robots = parse_robots("User-agent: *\nDisallow: /search/\n\nUser-agent: ogp-bot\nDisallow: /members/kenya/\n"
                          "Crawl-delay: 3\n\nSitemap: https://www.opengovpartnership.org/sitemap_index.xml\n")
    assert not robots.allows("https://www.opengovpartnership.org/members/kenya/commitments/KE0018/")
    assert robots.allows("https://www.opengovpartnership.org/members/france/commitments/FR0038/")
    assert robots.crawl_delay == 3.0 and robots.sitemaps == ["https://www.opengovpartnership.org/sitemap_index.xml"]
    assert user_agent(CONTACT) == f"ogp-bot/0.1 (+{CONTACT}; OGP commitment crawler)"


def test_sitemaps_plain_gzipped_and_indexes() -> None:
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc>https://www.opengovpartnership.org/members/france/commitments/FR0038/</loc></url>"
              b"<url><loc>https://www.opengovpartnership.org/news/something/</loc></url>"
              b"<url><loc>https://elsewhere.org/members/france/commitments/FR0001/</loc></url></urlset>")
    expected = ["https://www.opengovpartnership.org/members/france/commitments/FR0038/"]
    assert [p.url for p in sitemap_links(urlset, SITE, max_bytes=10_000)] == expected
    assert [p.url for p in sitemap_links(gzip.compress(urlset), SITE, max_bytes=10_000)] == expected
    assert sitemap_links(gzip.compress(urlset), SITE, max_bytes=100) == []  # expands beyond the cap
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
             b"<loc>https://www.opengovpartnership.org/commitment-sitemap2.xml</loc></sitemap></sitemapindex>")
    [child] = sitemap_links(index, SITE, max_bytes=10_000)
    assert child.kind is Kind.SITEMAP
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><urlset><url><loc>&a;</loc></url></urlset>'
    assert sitemap_links(bomb, SITE, max_bytes=10_000) == []
    assert sitemap_links(b"not xml", SITE, max_bytes=10_000) == []


def test_links_of_a_listing_page_relative_and_absolute() -> None:
    page = (b'<html><body><a href="FR0038/">a</a><a href="/members/france/commitments/FR0038/#top">again</a>'
            b'<a href="?page=2">next</a><a href="/about/">about</a><a href="https://x.org/members/a/">x</a></body>')
    found = links_in_html(page, "https://www.opengovpartnership.org/members/france/commitments/", SITE)
    assert [p.url for p in found] == ["https://www.opengovpartnership.org/members/france/commitments/FR0038/",
                                      "https://www.opengovpartnership.org/members/france/commitments/?page=2"]


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after("120") == 120.0 and retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: at once


def test_the_changes_of_several_batches_fold_into_one() -> None:
    changes: dict[str, CommitmentChange] = {}
    fold_changes(changes, [CommitmentChange("FR0001", "added"),
                           CommitmentChange("FR0002", "changed", [FieldChange("status", "active", "inactive")])])
    fold_changes(changes, [CommitmentChange("FR0001", "changed", [FieldChange("title.en", "a", "b")]),
                           CommitmentChange("FR0002", "changed", [FieldChange("status", "inactive", "active")]),
                           CommitmentChange("FR0003", "changed", [FieldChange("irm.completion", None, "complete")])])
    assert [(c.commitment, c.kind, c.fields) for c in changes.values()] == [
        ("FR0001", "added", []), ("FR0003", "changed", [FieldChange("irm.completion", None, "complete")])]


def test_settings_of_the_crawler() -> None:
    settings = load_settings(_env_file=None, ogp_base_url="http://127.0.0.1:8080/", crawl_contact=CONTACT,
                             crawl_delay_seconds="0")
    assert (settings.ogp_base_url, settings.crawl_delay_seconds) == ("http://127.0.0.1:8080", 0.0)
    assert CrawlConfig.from_settings(settings).delay == 0.0
    defaults = load_settings(_env_file=None)
    assert (defaults.ogp_base_url, defaults.crawl_delay_seconds) == ("https://www.opengovpartnership.org", 1.0)
    with pytest.raises(NotConfigured, match="CRAWL_CONTACT is empty"):
        CrawlConfig.from_settings(defaults)
    for values, message in [({"crawl_contact": "bob"}, "CRAWL_CONTACT: 'bob' is not an e-mail address"),
                            ({"ogp_base_url": "https://www.opengovpartnership.org/fr/"}, "OGP_BASE_URL: "),
                            ({"crawl_delay_seconds": "-1"}, "CRAWL_DELAY_SECONDS: ")]:
        with pytest.raises(ConfigError, match=message):
            load_settings(_env_file=None, **values)


def test_progress_and_summary_read_the_same_in_english() -> None:
    progress = CrawlProgress(seen=1234, fetched=800, unchanged=700, changed=90, failed=10, batches=2,
                             eta_seconds=401)
    assert render_progress(progress, "en") == (
        "OGP crawl running…\nPages seen: 1,234 — fetched: 800\nUnchanged 700 · changed 90 · failed 10\n"
        "2 batches applied so far\nTime left: about 7 min")
    assert progress_line(progress) == "crawl: 1234 seen, 800 fetched (700 unchanged, 90 changed, 10 failed), " \
                                      "about 7 min left"
    failure = SourceFailure("https://x/members/a/commitments/AB0001/", "the server answered HTTP {status} {reason}",
                            {"status": 500, "reason": "Internal Server Error"})
    summary = CrawlSummary(run_id=3, status="finished", resumed=False, progress=progress, version_before=4,
                           version_after=6, batches=[11, 12, 13], applied_batches=[12, 13], failures=[failure],
                           changes=[
                               CommitmentChange("FR0045", "changed", [FieldChange("irm.completion", None,
                                                                                  "substantial")]),
                               CommitmentChange("FR0901", "added")])
    assert render_summary(summary, "en") == "\n".join([
        "OGP crawl finished.", "Pages seen: 1,234 — fetched: 800", "Unchanged 700 · changed 90 · failed 10",
        "Data applied in 2 batches (/history #12–#13): 1 added, 1 updated; version 4 → 6.",
        "FR0045 completion: (none) → substantial", "FR0901: added", "Failed (1):",
        "- https://x/members/a/commitments/AB0001/: the server answered HTTP 500 Internal Server Error"])
