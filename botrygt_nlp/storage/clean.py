"""Make untrusted strings storable, the same way on every backend, before they reach a table.

Feeds, pages, servers and archives decide what our strings contain. Without this:

* PostgreSQL refuses NUL in text ("text fields cannot contain NUL (0x00) bytes") and enforces VARCHAR
  lengths; SQLite accepts both. A 1,500-character GUID, a 5,000-character ETag or a NUL in an imported
  article failed the whole transaction on PostgreSQL only: the feed's poll, or a 200-line import batch.
* A lone surrogate (valid in JSON as "\\ud800") cannot be encoded as UTF-8 at all: both drivers raised
  UnicodeEncodeError, which is no database error, so it escaped every handler.

What each column gets when a value is too long depends on what the column is for
(:data:`KEY_COLUMNS`, :data:`VALIDATOR_COLUMNS`, everything else), see :func:`fit_values`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")

# Dedup keys: equal values must stay equal and different ones different, so an over-long key becomes
# its head plus a digest of the whole (deterministic: the same GUID always maps to the same key).
KEY_COLUMNS = frozenset({"guid", "url_norm", "title_norm", "external_id", "story_id"})
# HTTP validators are useless when cut: a truncated ETag never matches, so it is not stored at all (the
# body hash still spots an unchanged feed).
VALIDATOR_COLUMNS = frozenset({"etag", "last_modified"})


def clean_text(value: str) -> str:
    """Drop NUL, replace lone surrogates with U+FFFD; everything else is kept as it came."""
    if not _UNSTORABLE.search(value):
        return value
    return _UNSTORABLE.sub(lambda m: "" if m.group(0) == "\x00" else "\ufffd", value)


def fit_key(value: str, limit: int) -> str:
    """``value`` itself when it fits, else a unique, stable stand-in of exactly ``limit`` characters."""
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8", errors="surrogatepass")).hexdigest()
    return value[: limit - len(digest) - 1] + "#" + digest


def column_length(table: sa.Table, name: str) -> int | None:
    """The declared length of a String column (None for Text and non-string columns)."""
    column = table.c.get(name)
    length = getattr(column.type, "length", None) if column is not None else None
    return length if isinstance(length, int) else None


def fit_key_for(table: sa.Table, name: str, value: str) -> str:
    """A dedup key as :func:`fit_values` stores it, for looking it up."""
    limit = column_length(table, name)
    value = clean_text(value)
    return value if limit is None else fit_key(value, limit)


def fit_values(table: sa.Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` for an insert/update of ``table``: strings cleaned and fitted to their column."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = clean_text(value)
            limit = column_length(table, key)
            if limit is not None and len(value) > limit:
                if key in KEY_COLUMNS:
                    value = fit_key(value, limit)
                elif key in VALIDATOR_COLUMNS:
                    value = None
                else:
                    value = value[: limit - 1] + "…"
        out[key] = value
    return out
