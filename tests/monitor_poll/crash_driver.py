"""Subprocess body for the kill -9 test: one real polling pass (real Fetcher, real parser/extractor).

Usage: python -m tests.monitor_poll.crash_driver DATABASE_URL
"""

from __future__ import annotations

import sys

from botrygt_nlp.monitor.fetch import Fetcher
from botrygt_nlp.monitor.poll import Poller
from botrygt_nlp.monitor.schedule import PollPolicy
from botrygt_nlp.storage import Store
from tests.monitor_poll.fakes import FakeAnalyzer


def main() -> None:
    store = Store.open(sys.argv[1])
    with Fetcher(user_agent="botrygt-test", allow_hosts="127.0.0.1", min_host_delay_s=0.0, timeout_s=30) as f:
        # interval 0: every run polls every active feed (a pass still polls each feed once only).
        report = Poller(store, f, FakeAnalyzer(), policy=PollPolicy(interval_s=0)).poll_due()
    print(f"new={report.new_articles} failed={report.failed}", flush=True)


if __name__ == "__main__":
    main()
