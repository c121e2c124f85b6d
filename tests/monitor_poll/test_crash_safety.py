"""kill -9 a polling process mid-feed: restarting loses nothing and stores nothing twice.

The feed's new ETag/hash is committed in the same transaction as its articles, so a feed whose pass was
killed is simply polled again in full, and the unique constraints absorb any overlap.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from botrygt_nlp.demo.server import LoopbackSite, article_html, rss
from botrygt_nlp.storage import NewFeed, Store
from tests.storage.backends import BACKENDS, backend

ROOT = Path(__file__).resolve().parents[2]
N = 6


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Store]]:
    with backend(request.param, tmp_path) as (url, factory):
        store = factory()
        if "#schema=" in url:  # the subprocess pins the test schema through libpq options
            base, schema = url.split("#schema=")
            url = f"{base}?options=-csearch_path%3D{schema}"
        yield url, store


def _site() -> LoopbackSite:
    site = LoopbackSite().start()
    for outlet in ("a", "b"):
        items = []
        for i in range(N):
            path = f"/{outlet}/{i}"
            title = f"Indbrud nummer {i} hos {outlet}"
            site.put(path, article_html(title, [f"{title}. Tyvene kom om natten.", "Husk at låse døren."]))
            items.append({"title": title, "link": site.url(path), "guid": site.url(path), "description": title})
        site.put(f"/{outlet}/rss.xml", rss(outlet, site.url(f"/{outlet}/"), items), "application/rss+xml")
    return site


def _run(url: str, site: LoopbackSite, kill_at: str | None = None) -> subprocess.CompletedProcess[str] | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.monitor_poll.crash_driver", url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if kill_at is None:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        return subprocess.CompletedProcess(proc.args, 0, out, err)
    reached = threading.Event()
    killed = threading.Event()

    def hook(path: str) -> None:
        if path == kill_at:
            reached.set()
            killed.wait(60)  # hold the response: the process is killed while it waits for it

    site.on_request = hook
    try:
        assert reached.wait(120), proc.communicate(timeout=5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        killed.set()
        site.on_request = None
    assert proc.returncode == -signal.SIGKILL
    return None


@pytest.mark.integration
@pytest.mark.slow
def test_kill_9_mid_feed_then_restart(db: tuple[str, Store]) -> None:
    url, store = db
    with _site() as site:
        store_feeds = [store.add_feed(NewFeed(site.url(f"/{o}/rss.xml"), o)).id for o in ("a", "b")]
        # Run 1: feed a completes and commits; killed while fetching feed b's 4th page.
        _run(url, site, kill_at="/b/3")
        a, b = (store.get_feed(f) for f in store_feeds)
        assert a.body_sha256 is not None and b.body_sha256 is None
        assert sorted(r.outlet for r in store.list_articles(limit=100)[0]) == ["a"] * N
        # Run 2: killed again, this time while it re-reads feed b itself.
        _run(url, site, kill_at="/b/rss.xml")
        assert store.count_articles() == N
        # Run 3: completes; feed a is not modified (no page refetched), feed b is polled in full.
        done = _run(url, site)
        assert done is not None and f"new={N}" in done.stdout
        rows = store.list_articles(limit=100)[0]
        assert len(rows) == 2 * N and len({r.url for r in rows}) == 2 * N
        assert all(site.hits[f"/a/{i}"] == 1 for i in range(N))
        assert store.get_feed(store_feeds[1]).body_sha256 is not None
        # Run 4: nothing new, nothing refetched.
        hits = sum(site.hits.values())
        again = _run(url, site)
        assert again is not None and "new=0" in again.stdout
        assert sum(site.hits.values()) == hits + 2  # the two feed documents, answered 304


@pytest.mark.integration
@pytest.mark.slow
def test_monitor_run_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BOTRYGT_DATA_DIR": str(tmp_path)}
    env.pop("BOTRYGT_DATABASE_URL", None)
    code = "from botrygt_nlp.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "monitor", "run", "--interval", "3600"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the first pass is done once it reports
    assert "polled 0 feeds" in first
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "stopped" in out and "SIGTERM" in err
