"""ONE conformance suite for every storage backend (SQLite always; PostgreSQL where configured / in CI)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.errors import InputError, StorageFullError
from botrygt_nlp.reference import UnknownPlaceError
from botrygt_nlp.storage import (
    ArticleFilter,
    FeedEventKind,
    FeedExistsError,
    FeedStateUpdate,
    FeedStatus,
    NewFeed,
    NewSubmission,
    Store,
    migrations,
)
from botrygt_nlp.storage.clean import fit_values
from botrygt_nlp.storage.tables import metadata
from tests.storage.helpers import T0, article, assessment


def _ok_update(**kw: object) -> FeedStateUpdate:
    base: dict[str, object] = dict(
        status=FeedStatus.ACTIVE,
        next_poll_at=T0 + timedelta(hours=1),
        polled_at=T0,
        failure_count=0,
        event=FeedEventKind.OK,
        etag='"e1"',
        body_sha256="h1",
        success=True,
    )
    base.update(kw)
    return FeedStateUpdate(**base)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- schema
def test_migrations_are_idempotent_and_match_tables(store: Store) -> None:
    assert migrations.current_version(store.engine) == migrations.LATEST_VERSION
    assert migrations.migrate(store.engine) == []
    insp = sa.inspect(store.engine)
    for table in metadata.sorted_tables:
        cols = {c["name"] for c in insp.get_columns(table.name)}
        assert cols == {c.name for c in table.columns}, table.name


def test_upgrade_from_v1_keeps_data(store_factory: Callable[[], Store]) -> None:
    # Build a v1-only database on the same backend, put data in, then let Store.open upgrade it.
    store = store_factory()
    engine = store.engine
    with engine.begin() as conn:
        # Every table of the current schema, children first (a later migration's table needs no edit here).
        for table in reversed(metadata.sorted_tables):
            if table.name != "schema_migrations":
                conn.execute(sa.text(f"DROP TABLE {table.name}"))
        conn.execute(sa.text("DELETE FROM schema_migrations"))
    assert migrations.migrate(engine, target=1) == [1]
    assert not sa.inspect(engine).has_table("api_keys")
    feed = store.add_feed(NewFeed("https://a.example/rss", "A"), now=T0)
    assert migrations.migrate(engine) == [m.version for m in migrations.MIGRATIONS[1:]]
    assert store.get_feed(feed.id).url == "https://a.example/rss"
    _key_id, secret = store.create_api_key("after upgrade")
    assert store.verify_api_key(secret) is not None


# ---------------------------------------------------------------------- feeds
def test_add_list_remove_feed_validates_places(store: Store) -> None:
    f = store.add_feed(NewFeed("https://x.example/rss", "TV 2 Fyn", ("odense kommune", "Svendborg")), now=T0)
    assert f.municipalities == ("Odense", "Svendborg")
    assert f.district == "Fyns Politi"
    assert f.status is FeedStatus.ACTIVE and f.next_poll_at == T0
    kbh = store.add_feed(NewFeed("https://k.example/rss", "KBH", ("Københavns Kommune",)))
    assert kbh.municipalities == ("København",) and kbh.district == "Københavns Politi"
    with pytest.raises(FeedExistsError):
        store.add_feed(NewFeed("https://x.example/rss", "Again"))
    with pytest.raises(UnknownPlaceError):
        store.add_feed(NewFeed("https://y.example/rss", "Y", ("Atlantis",)))
    with pytest.raises(InputError):
        store.add_feed(NewFeed("file:///etc/passwd", "Y"))
    mixed = store.add_feed(NewFeed("https://m.example/rss", "Regional", ("Aalborg", "Aarhus")))
    assert mixed.district is None  # two districts: none is guessed
    assert [x.id for x in store.list_feeds()] == [f.id, kbh.id, mixed.id]
    assert store.remove_feed(f.id) and not store.remove_feed(f.id)
    assert store.remove_feed("https://k.example/rss")
    assert [x.id for x in store.list_feeds()] == [mixed.id]


def test_claim_leases_one_feed_to_one_worker(store: Store) -> None:
    a = store.add_feed(NewFeed("https://a.example/rss", "A"), now=T0)
    b = store.add_feed(NewFeed("https://b.example/rss", "B"), now=T0 + timedelta(seconds=1))
    now = T0 + timedelta(minutes=1)
    first = store.claim_due_feed("w1", now=now, lease_s=60)
    second = store.claim_due_feed("w2", now=now, lease_s=60)
    assert first is not None and second is not None
    assert (first.id, second.id) == (a.id, b.id)
    assert store.claim_due_feed("w3", now=now, lease_s=60) is None
    # An expired lease can be taken over (a crashed worker on another host).
    again = store.claim_due_feed("w3", now=now + timedelta(seconds=61), lease_s=60)
    assert again is not None and again.id == a.id
    store.release_lease(a.id, "w3")
    assert store.claim_due_feed("w4", now=now + timedelta(seconds=62), lease_s=60, exclude=[b.id]) is not None


def test_concurrent_claims_never_share_a_feed(store_factory: Callable[[], Store]) -> None:
    setup = store_factory()
    for i in range(20):
        setup.add_feed(NewFeed(f"https://f{i}.example/rss", f"O{i}"), now=T0)
    claims: dict[str, list[int]] = {}
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        s = store_factory()
        got: list[int] = []
        barrier.wait()
        while (f := s.claim_due_feed(name, now=T0 + timedelta(minutes=1), lease_s=600)) is not None:
            got.append(f.id)
        claims[name] = got

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    all_ids = [i for got in claims.values() for i in got]
    assert sorted(all_ids) == sorted(f.id for f in setup.list_feeds())


def test_save_poll_writes_articles_and_validators_together(store: Store) -> None:
    feed = store.add_feed(NewFeed("https://a.example/rss", "A", ("Odense",)), now=T0)
    claimed = store.claim_due_feed("w", now=T0)
    assert claimed is not None
    items = [
        (
            article(
                f"https://a.example/n/{i}?utm_source=x",
                f"Titel {i}",
                outlet="A",
                feed_id=feed.id,
                guid=f"g{i}",
            ),
            assessment(),
        )
        for i in range(3)
    ]
    out = store.save_poll(feed.id, "w", _ok_update(), items)
    assert out.inserted == 3
    f = store.get_feed(feed.id)
    assert (f.etag, f.body_sha256, f.failure_count, f.status) == ('"e1"', "h1", 0, FeedStatus.ACTIVE)
    assert f.last_success_at == T0
    assert store.claim_due_feed("w", now=T0) is None  # lease released, next poll in an hour
    # A failing transaction rolls back both: the feed keeps its old validators.
    bad = [
        (article("https://a.example/n/new", "Ny", outlet="A", feed_id=feed.id), assessment()),
        (article("https://a.example/n/x", "X", outlet=None, feed_id=feed.id), assessment()),  # type: ignore[arg-type]
    ]
    with pytest.raises(Exception):  # noqa: B017 - NOT NULL violation, backend-specific class
        store.save_poll(feed.id, "w", _ok_update(etag='"e2"', body_sha256="h2"), bad)
    assert store.get_feed(feed.id).etag == '"e1"'
    assert store.count_articles() == 3


def test_not_modified_keeps_body_hash(store: Store) -> None:
    feed = store.add_feed(NewFeed("https://a.example/rss", "A"), now=T0)
    store.save_poll(feed.id, None, _ok_update())
    store.save_poll(feed.id, None, _ok_update(event=FeedEventKind.NOT_MODIFIED, etag=None, body_sha256=None))
    f = store.get_feed(feed.id)
    assert (f.etag, f.body_sha256) == ('"e1"', "h1")
    kinds = [e.kind for e in store.feed_events(feed.id)]
    assert kinds[:3] == [FeedEventKind.NOT_MODIFIED, FeedEventKind.OK, FeedEventKind.ADDED]


def test_paused_feed_keeps_reason_and_is_not_claimed(store: Store) -> None:
    feed = store.add_feed(NewFeed("https://a.example/rss", "A"), now=T0)
    store.save_poll(
        feed.id,
        None,
        FeedStateUpdate(
            status=FeedStatus.PAUSED,
            next_poll_at=T0,
            polled_at=T0,
            failure_count=1,
            event=FeedEventKind.HARD_FAILURE,
            pause_reason="hard failure: HTTP 410",
            keep_validators=True,
        ),
    )
    f = store.get_feed(feed.id)
    assert f.status is FeedStatus.PAUSED and f.pause_reason == "hard failure: HTTP 410"
    assert store.claim_due_feed("w", now=T0 + timedelta(days=1)) is None
    assert store.list_feeds(status=FeedStatus.PAUSED)[0].id == feed.id
    assert store.resume_feed(feed.id).status is FeedStatus.ACTIVE


# ---------------------------------------------------------------------- articles
def test_duplicates_are_never_stored_twice(store: Store) -> None:
    feed = store.add_feed(NewFeed("https://a.example/rss", "A"), now=T0)
    first = store.insert_articles(
        [
            (
                article("https://a.example/x/", "Indbrud i Bolbro", outlet="A", feed_id=feed.id, guid="g1"),
                assessment(),
            )
        ]
    )
    assert first.inserted == 1
    again = store.insert_articles(
        [
            (
                article("https://A.example/x#top", "Anden titel", outlet="A", feed_id=feed.id),
                assessment(),
            ),  # URL
            (
                article("https://a.example/y", "Tredje", outlet="A", feed_id=feed.id, guid="g1"),
                assessment(),
            ),  # GUID
            (
                article(
                    "https://a.example/z",
                    "Indbrud i Bolbro!",
                    outlet="A",
                    feed_id=feed.id,
                    published=T0 + timedelta(days=1),
                ),
                assessment(),
            ),  # same title, same outlet, within days
        ]
    )
    assert (again.inserted, again.duplicates) == (0, 3)
    later = store.insert_articles(
        [
            (
                article("https://a.example/w", "Indbrud i Bolbro", outlet="A", published=T0 + timedelta(days=30)),
                assessment(),
            )
        ]
    )
    assert later.inserted == 1  # a month later the same headline is a new story


def test_concurrent_inserts_of_one_article_store_it_once(store_factory: Callable[[], Store]) -> None:
    store_factory()  # migrate once
    barrier = threading.Barrier(4)
    results: list[int] = []

    def worker() -> None:
        s = store_factory()
        barrier.wait()
        out = s.insert_articles([(article("https://a.example/same", "Samme", outlet="A"), assessment())])
        results.append(out.inserted)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert store_factory().count_articles() == 1


def test_wire_story_linked_across_outlets_but_counted_per_outlet(store: Store) -> None:
    a = store.insert_articles(
        [
            (
                article("https://a.example/r", "Politiet advarer mod falske håndværkere", outlet="A"),
                assessment(),
            )
        ]
    )
    b = store.insert_articles(
        [
            (
                article(
                    "https://b.example/r2",
                    "Politiet advarer mod falske håndværkere",
                    outlet="B",
                    published=T0 + timedelta(hours=2),
                ),
                assessment(),
            )
        ]
    )
    assert a.inserted == b.inserted == 1
    rows, _ = store.list_articles()
    assert {r.outlet for r in rows} == {"A", "B"}
    assert len({r.story_id for r in rows}) == 1
    assert all(r.wire for r in rows)


def test_assessments_per_model_version_and_latest(store: Store) -> None:
    out = store.insert_articles([(article("https://a.example/1", "Et", outlet="A"), assessment(version="v1"))])
    aid = out.article_ids[0]
    assert store.latest_model_version() == "v1"
    assert store.articles_missing_version("v2") == [(aid, "Et", "Indbrud i villa.")]
    assert store.add_assessments([(aid, assessment(constructive=True, version="v2"))], now=T0 + timedelta(days=1)) == 1
    assert store.add_assessments([(aid, assessment(version="v2"))]) == 0  # kept, never overwritten
    assert store.latest_model_version() == "v2"
    assert [s.model_version for s in store.assessments_for(aid)] == ["v1", "v2"]
    rec = store.get_article(aid)
    assert rec is not None and rec.assessment is not None and rec.assessment.constructive
    old = store.get_article(aid, model_version="v1")
    assert old is not None and old.assessment is not None and not old.assessment.constructive
    assert store.model_versions() == [("v1", 1), ("v2", 1)]


def test_list_articles_filters_and_cursor(store: Store) -> None:
    items = []
    for i in range(7):
        items.append(
            (
                article(
                    f"https://a.example/{i}",
                    f"Titel nummer {i}",
                    outlet="A" if i % 2 else "B",
                    municipality="Odense" if i < 3 else "Aalborg",
                    district="Fyns Politi" if i < 3 else "Nordjyllands Politi",
                    published=T0 + timedelta(days=i),
                ),
                assessment(constructive=i % 3 == 0, crime=CrimeType.BIKE_THEFT if i == 6 else CrimeType.HOME_BURGLARY),
            )
        )
    store.insert_articles(items)
    seen: list[int] = []
    cursor = None
    while True:
        page, cursor = store.list_articles(limit=3, cursor=cursor)
        seen.extend(r.id for r in page)
        if cursor is None:
            break
    assert len(seen) == 7 and seen == sorted(seen, reverse=True)
    assert {r.outlet for r in store.list_articles(ArticleFilter(outlet="A"))[0]} == {"A"}
    assert len(store.list_articles(ArticleFilter(municipality="Odense"))[0]) == 3
    assert len(store.list_articles(ArticleFilter(district="Nordjyllands Politi"))[0]) == 4
    assert len(store.list_articles(ArticleFilter(constructive=True))[0]) == 3
    assert len(store.list_articles(ArticleFilter(crime_type=CrimeType.BIKE_THEFT))[0]) == 1
    assert len(store.list_articles(ArticleFilter(relevant=False))[0]) == 0
    ranged = store.list_articles(ArticleFilter(since=T0 + timedelta(days=2), until=T0 + timedelta(days=4)))[0]
    assert sorted(r.title for r in ranged) == ["Titel nummer 2", "Titel nummer 3"]
    with pytest.raises(InputError):
        store.list_articles(cursor="not-a-cursor!!")


def test_trend_facts_use_one_model_version(store: Store) -> None:
    out = store.insert_articles(
        [(article(f"https://a.example/{i}", f"T{i}", outlet="A"), assessment(version="v1")) for i in range(3)]
    )
    store.add_assessments([(out.article_ids[0], assessment(version="v2"))])
    assert len(store.trend_facts(since=None, until=None, model_version="v1")) == 3
    assert len(store.trend_facts(since=None, until=None, model_version="v2")) == 1
    assert store.trend_facts(since=T0 + timedelta(days=1), until=None, model_version="v1") == []


# ---------------------------------------------------------------------- feedback and API keys
def test_feedback_on_article_or_text(store: Store) -> None:
    aid = store.insert_articles([(article("https://a.example/1", "Et", outlet="A"), assessment())]).article_ids[0]
    f1 = store.add_feedback(aid, "constructive", False, who="redaktør", when=T0)
    f2 = store.add_feedback("Husk at låse døren.", "constructive", True)
    rows = store.list_feedback()
    assert [r.id for r in rows] == [f2, f1]
    assert rows[1].article_id == aid and rows[1].value is False and rows[1].who == "redaktør"
    assert rows[0].text == "Husk at låse døren." and rows[0].value is True
    with pytest.raises(InputError):
        store.add_feedback(99999, "constructive", True)
    with pytest.raises(InputError):
        store.add_feedback("  ", "constructive", True)


def test_api_keys_are_hashed_verifiable_and_revocable(store: Store) -> None:
    key_id, secret = store.create_api_key("kommune-a")
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT secret_sha256 FROM api_keys")).scalar_one()
    assert secret not in stored and len(stored) == 64
    info = store.verify_api_key(secret)
    assert info is not None and info.key_id == key_id and info.name == "kommune-a"
    assert store.verify_api_key(secret + "x") is None
    assert [k.key_id for k in store.list_api_keys()] == [key_id]
    assert store.revoke_api_key(key_id) and not store.revoke_api_key(key_id)
    assert store.verify_api_key(secret) is None
    assert store.list_api_keys()[0].revoked_at is not None


def test_upgrade_from_v3_keeps_keys_and_adds_web_sessions(store_factory: Callable[[], Store]) -> None:
    store = store_factory()
    engine = store.engine
    key_id, secret = store.create_api_key("before upgrade")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE web_sessions"))
        conn.execute(sa.text("DELETE FROM schema_migrations WHERE version = 4"))
    assert not sa.inspect(engine).has_table("web_sessions")
    assert migrations.migrate(engine) == [4]
    info = store.verify_api_key(secret)
    assert info is not None and info.key_id == key_id
    session = store.create_web_session(key_id, lifetime_s=60)
    assert store.web_session_key(session) == store.verify_api_key(secret, touch=False)


def test_web_sessions_are_hashed_and_end_on_logout_revocation_and_expiry(store: Store) -> None:
    key_id, _ = store.create_api_key("redaktør")
    other_id, _ = store.create_api_key("redaktør")  # same name, another key: must not keep a session alive
    s1 = store.create_web_session(key_id, lifetime_s=3600, now=T0)
    s2 = store.create_web_session(key_id, lifetime_s=3600, now=T0)
    s3 = store.create_web_session(other_id, lifetime_s=3600, now=T0)
    with store.engine.connect() as conn:
        stored = set(conn.execute(sa.text("SELECT id_sha256 FROM web_sessions")).scalars())
    assert len(stored) == 3 and not stored & {s1, s2, s3}  # only hashes are kept
    live = store.web_session_key(s1, now=T0 + timedelta(minutes=1))
    assert live is not None and live.key_id == key_id and live.name == "redaktør"
    assert store.web_session_key(s1 + "x", now=T0) is None and store.web_session_key("", now=T0) is None
    # The server-side lifetime ends it whatever the cookie says.
    assert store.web_session_key(s1, now=T0 + timedelta(hours=1)) is None
    # Logout ends this session only.
    assert store.end_web_session(s1) and not store.end_web_session(s1)
    assert store.web_session_key(s1, now=T0) is None
    assert store.web_session_key(s2, now=T0) is not None
    # Revoking the key ends all its sessions, not those of another key with the same name.
    assert store.revoke_api_key(key_id)
    assert store.web_session_key(s2, now=T0) is None
    found = store.web_session_key(s3, now=T0)
    assert found is not None and found.key_id == other_id
    # A new session sweeps the expired ones.
    store.create_web_session(other_id, lifetime_s=60, now=T0 + timedelta(days=1))
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM web_sessions")).scalar_one() == 1


def test_submissions_are_kept_apart_from_articles(store: Store) -> None:
    sid = store.save_submission(
        text="Husk at låse døren.",
        title="Råd",
        external_id="x1",
        assessment=assessment(constructive=True, version="v9"),
        who="kommune-a",
        when=T0,
    )
    subs = store.list_submissions()
    assert [(s.id, s.external_id, s.model_version, s.who, s.at) for s in subs] == [(sid, "x1", "v9", "kommune-a", T0)]
    assert subs[0].assessment == assessment(constructive=True, version="v9")
    assert store.count_articles() == 0 and store.latest_model_version() is None
    with pytest.raises(InputError):
        store.save_submission(text=" ", title=None, external_id=None, assessment=assessment(), who=None)


def test_a_batch_of_submissions_is_stored_whole_or_not_at_all(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = [NewSubmission(f"Tekst {k}.", None, f"b-{k}", assessment()) for k in range(5)]
    ids = store.save_submissions(batch, who="kommune-a", when=T0)
    assert len(ids) == 5 and [s.external_id for s in store.list_submissions()] == [f"b-{k}" for k in range(4, -1, -1)]
    # The disk fills up at the fourth text of the next batch: none of that batch is left behind.
    calls = [0]

    def filling_up(table: sa.Table, values: dict[str, object]) -> dict[str, object]:
        calls[0] += 1
        if calls[0] == 4:
            raise StorageFullError("database or disk is full")
        return fit_values(table, values)

    monkeypatch.setattr("botrygt_nlp.storage.access.fit_values", filling_up)
    with pytest.raises(StorageFullError):
        store.save_submissions([NewSubmission(f"Ny {k}.", None, f"c-{k}", assessment()) for k in range(5)], who=None)
    assert calls[0] == 4
    assert [s.external_id for s in store.list_submissions()] == [f"b-{k}" for k in range(4, -1, -1)]
    with pytest.raises(InputError):  # an empty text anywhere refuses the batch before anything is written
        store.save_submissions([batch[0], NewSubmission("  ", None, "c-empty", assessment())], who=None)
