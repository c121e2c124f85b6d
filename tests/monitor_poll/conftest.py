from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from botrygt_nlp.storage import Store
from tests.storage.backends import BACKENDS, backend


@pytest.fixture(params=BACKENDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    with backend(request.param, tmp_path) as (_url, factory):
        yield factory


@pytest.fixture
def store(store_factory: Callable[[], Store]) -> Store:
    return store_factory()
