"""The concrete Store satisfies every per-aggregate Protocol of storage/ports.py, and together they list
exactly its public methods, with the same signatures (issue 11, item 5)."""

from __future__ import annotations

import inspect

import pytest

from botrygt_nlp.storage import Store
from botrygt_nlp.storage.ports import AccessStore, ArticleStore, FeedbackStore, FeedStore, TrendSource, ValidationStore

PORTS: tuple[type, ...] = (FeedStore, ArticleStore, AccessStore, FeedbackStore, ValidationStore)
LIFECYCLE = {"open", "from_settings", "engine", "dialect", "close"}


def _methods(cls: type) -> set[str]:
    return {n for n, v in vars(cls).items() if not n.startswith("_") and callable(v)}


@pytest.mark.parametrize("port", [*PORTS, TrendSource], ids=lambda p: p.__name__)
def test_the_store_satisfies_the_port(store: Store, port: type) -> None:
    assert isinstance(store, port)
    for name in _methods(port):
        assert inspect.signature(getattr(Store, name)) == inspect.signature(getattr(port, name)), name


def test_the_ports_list_every_store_method_once() -> None:
    public = {n for n in dir(Store) if not n.startswith("_")} - LIFECYCLE
    listed = [n for port in PORTS for cls in port.__mro__ if cls not in (object,) for n in _methods(cls)]
    listed = [n for n in listed if n not in {"__init__"}]
    assert sorted(set(listed)) == sorted(public)
    assert len(listed) == len(set(listed)), "a method belongs to one aggregate"
