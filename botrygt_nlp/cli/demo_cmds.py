"""`botrygt demo`: score and rewrite bundled samples, poll bundled sample feeds on loopback, print the trend
table, then serve the web app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from botrygt_nlp.config import Settings, get_settings

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"


def show_scoring_and_rewrite() -> None:
    """The first two capabilities on bundled, authored samples: score an article, rewrite a døgnrapport."""
    from botrygt_nlp import get_analyzer
    from botrygt_nlp.cli.score_cmds import render_text
    from botrygt_nlp.inputs import InputRecord
    from botrygt_nlp.rewrite import RewriteOptions, rewrite_report
    from botrygt_nlp.scoring import score_record

    analyzer = get_analyzer()
    article = (DEMO_DIR / "sample_article.txt").read_text(encoding="utf-8")
    typer.secho("\n1) botrygt score — an article about two burglaries", bold=True)
    typer.echo(render_text(score_record(analyzer, InputRecord("sample_article.txt", article))))
    report = (DEMO_DIR / "sample_report.txt").read_text(encoding="utf-8")
    typer.secho("2) botrygt rewrite — a døgnrapport; advice is added under incidents that lack it", bold=True)
    settings = get_settings()
    options = RewriteOptions(templates_dir=settings.templates_dir, override_dir=settings.template_override_dir)
    typer.echo(rewrite_report(report, options, analyzer).text)
    typer.secho("3) botrygt demo — the press monitor on sample feeds served on 127.0.0.1", bold=True)


def start_web_server(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the web app and API on the demo store until Ctrl-C."""
    import uvicorn

    from botrygt_nlp.asgi import create_app

    typer.secho(f"\n4) botrygt serve — web app and API on http://{host}:{port}/ (Ctrl-C stops)", bold=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", server_header=False)


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
    """The whole loop on embedded defaults: score a sample, rewrite a sample report, poll sample feeds
    served on 127.0.0.1, print the trends, then serve the web app (unless --no-serve)."""
    target = data_dir or get_settings().data_dir / "demo"
    target.mkdir(parents=True, exist_ok=True)
    show_scoring_and_rewrite()
    typer.echo(run_demo(target))
    if not no_serve:
        start_web_server(demo_settings(target))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("demo")(demo_cmd)
