"""Shared fixtures. Paths other machines may skip are *required* in CI through BOTRYGT_REQUIRE_* flags."""

from __future__ import annotations

import os

import pytest


def require_or_skip(flag: str, available: bool, reason: str) -> None:
    """Skip with ``reason`` where the resource is missing, unless CI set ``flag`` to make it mandatory."""
    if available:
        return
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} (and {flag}=1 requires it)")
    pytest.skip(reason)
