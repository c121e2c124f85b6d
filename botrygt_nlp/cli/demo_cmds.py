"""`botrygt demo`: serve the bundled sample feeds on loopback, poll them once, print the trend table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from botrygt_nlp.config import Settings, get_settings


def start_web_server(settings: Settings) -> None:
    """HOOK (lead): start the web UI/API on the demo store and block until Ctrl-C.

    ``settings`` points at the demo data dir (SQLite) with 127.0.0.1 allow-listed. Until the web edge is
    wired in, ``botrygt demo`` stops after printing the trends.
    """
    typer.echo(
        "(web server not wired into the demo yet; the demo data stays in "
        f"{settings.data_dir} — try: BOTRYGT_DATA_DIR={settings.data_dir} botrygt trends --by outlet)"
    )


def demo_settings(data_dir: Path) -> Settings:
    base = get_settings()
    return base.model_copy(
        update={
            "data_dir": data_dir,
            "database_url": None,
            # Only the loopback demo site is ever fetched, and it needs no politeness delay.
            "fetch_allow_hosts": "127.0.0.1",
            "fetch_min_host_delay_s": 0.0,
        }
    )


def run_demo(data_dir: Path) -> str:
    """Serve, add feeds, poll once; returns the trend table (the site is stopped afterwards)."""
    from botrygt_nlp import get_analyzer
    from botrygt_nlp.cli.monitor_cmds import print_report
    from botrygt_nlp.demo import build_demo_site
    from botrygt_nlp.monitor.fetch import Fetcher
    from botrygt_nlp.monitor.poll import Poller
    from botrygt_nlp.storage import Store
    from botrygt_nlp.trends import compute_trends, rows_to_table

    settings = demo_settings(data_dir)
    # The site gets a new random port each run, so the demo store starts fresh every time.
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"botrygt.sqlite3{suffix}").unlink(missing_ok=True)
    demo = build_demo_site()
    try:
        with Store.from_settings(settings) as store, Fetcher.from_settings(settings) as fetcher:
            for feed in demo.feeds:
                store.add_feed(feed)
            typer.echo(f"serving {len(demo.feeds)} sample feeds on {demo.site.base_url}")
            report = Poller(store, fetcher, get_analyzer()).poll_due()
            print_report(report)
            return rows_to_table(compute_trends(store, "outlet", "month"))
    finally:
        demo.site.stop()


def demo_cmd(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Do not start the web server afterwards.")] = False,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Default: <data_dir>/demo")] = None,
) -> None:
    """Serve bundled sample feeds on 127.0.0.1, poll them once into a demo store, print the trends."""
    target = data_dir or get_settings().data_dir / "demo"
    typer.echo(run_demo(target))
    if not no_serve:
        start_web_server(demo_settings(target))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("demo")(demo_cmd)
