"""Strings chosen by feeds, servers and archives are stored the same way on every backend.

PostgreSQL refuses NUL and enforces VARCHAR lengths, SQLite does neither, and neither driver can encode a
lone surrogate: each of these used to fail a whole poll or import batch, on one backend or on both.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from botrygt_nlp.errors import InputError
from botrygt_nlp.storage import FeedEventKind, FeedStateUpdate, FeedStatus, NewFeed, Store
from botrygt_nlp.storage.clean import clean_text, fit_key
from tests.storage.helpers import T0, article, assessment


def test_clean_text_and_fit_key() -> None:
    assert clean_text("Lås\x00 døren\ud800!") == "Lås døren\ufffd!"
    assert clean_text("uændret\ttekst\n") == "uændret\ttekst\n"
    long_a, long_b = "g" * 2000 + "a", "g" * 2000 + "b"
    assert fit_key("kort", 1024) == "kort"
    assert len(fit_key(long_a, 1024)) == 1024
    assert fit_key(long_a, 1024) == fit_key(long_a, 1024) != fit_key(long_b, 1024)


def test_over_long_keys_still_dedupe_and_stay_distinct(store: Store) -> None:
    feed = store.add_feed(NewFeed("https://a.example/rss", "A"), now=T0)
    guid_a, guid_b = "urn:cms:" + "x" * 1500 + ":1", "urn:cms:" + "x" * 1500 + ":2"
    long_url = "https://a.example/" + "sti/" * 700
    first = store.insert_articles(
        [
            (article("https://a.example/1", "Et", feed_id=feed.id, guid=guid_a), assessment()),
            (article("https://a.example/2", "To", feed_id=feed.id, guid=guid_b), assessment()),
            (article(long_url, "Tre", outlet="A", feed_id=feed.id), assessment()),
        ]
    )
    assert first.inserted == 3
    again = store.insert_articles(
        [
            (article("https://a.example/1b", "Et igen", feed_id=feed.id, guid=guid_a), assessment()),
            (article(long_url, "Tre igen", outlet="A", feed_id=feed.id), assessment()),
        ]
    )
    assert (again.inserted, again.duplicates) == (0, 2)
    known = store.known_keys(
        feed.id,
        "A",
        guids=[guid_a, guid_b, "ny"],
        url_norms=[long_url.rstrip("/")],
        title_norms=[],
        title_since=T0 - timedelta(days=3),
    )
    assert known.guids == {guid_a, guid_b}  # answered in the caller's own (unfitted) keys
    assert known.url_norms == {long_url.rstrip("/")}


def test_nul_and_surrogates_are_stored_cleaned(store: Store) -> None:
    out = store.insert_articles(
        [
            (
                article("https://a.example/n", "Indbrud\x00 i Ølstykke\udc80", outlet="Avis\x00", text="Tekst\x00 her"),
                assessment(),
            )
        ]
    )
    stored = store.get_article(out.article_ids[0])
    assert stored is not None
    assert (stored.title, stored.text, stored.outlet) == ("Indbrud i Ølstykke\ufffd", "Tekst her", "Avis")


def test_server_chosen_validators_and_errors_never_break_save_poll(store: Store) -> None:
    feed = store.add_feed(NewFeed("https://a.example/rss", "A"), now=T0)
    update = FeedStateUpdate(
        status=FeedStatus.ACTIVE,
        next_poll_at=T0 + timedelta(hours=1),
        polled_at=T0,
        failure_count=0,
        event=FeedEventKind.OK,
        message="fejl\x00" + "!" * 5000,
        etag='"' + "e" * 5000 + '"',
        last_modified="Tue, " + "x" * 500,
        body_sha256="ab" * 32,
        success=True,
        title="Titel\x00",
    )
    store.save_poll(feed.id, None, update, [(article("https://a.example/1", "Et", feed_id=feed.id), assessment())])
    saved = store.get_feed(feed.id)
    # A cut ETag would never match again: it is not kept; the body hash still spots an unchanged feed.
    assert (saved.etag, saved.last_modified, saved.body_sha256) == (None, None, "ab" * 32)
    assert saved.title == "Titel"
    assert store.count_articles() == 1
    assert store.feed_events(feed.id)[0].message is not None


@pytest.mark.parametrize(
    "feed", [NewFeed("https://a.example/" + "x" * 3000, "A"), NewFeed("https://a.example/r", "Ø" * 201)]
)
def test_add_feed_refuses_values_that_would_be_cut(store: Store, feed: NewFeed) -> None:
    with pytest.raises(InputError):
        store.add_feed(feed, now=T0)
    assert store.list_feeds() == []


def test_generic_headlines_in_two_outlets_are_no_wire_story(store: Store) -> None:
    for outlet in ("A", "B"):
        store.insert_articles([(article(f"https://{outlet}.example/d", "Døgnrapport", outlet=outlet), assessment())])
        store.insert_articles(
            [(article(f"https://{outlet}.example/t", "Trafikuheld i nat", outlet=outlet), assessment())]
        )
    rows = store.list_articles()[0]
    assert len(rows) == 4 and not any(r.wire for r in rows)
    assert len({r.story_id for r in rows}) == 4
