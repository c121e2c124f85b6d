"""Content-Type checks of request bodies.

FastAPI parses a body as JSON only when the Content-Type says JSON (strictly, in the installed version: not
even when the header is missing) and otherwise hands the raw bytes to the model, which then fails as "Input
should be a valid dictionary", a 422 that hides the real mistake. The JSON-only routes take
:data:`JSON_ONLY`, so a form post, a text/plain body or a missing Content-Type is a 415 that says what to send.
"""

from __future__ import annotations

import codecs

from fastapi import Depends, Request

from botrygt_nlp.service.problems import ProblemError


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def is_json(media: str) -> bool:
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


async def require_json(request: Request) -> None:
    media = media_type(request)
    if not is_json(media):
        got = media[:100] or "no Content-Type"
        raise ProblemError(
            415, "unsupported_media_type", f"Send the body as JSON with Content-Type: application/json (got {got})."
        )


JSON_ONLY = [Depends(require_json)]


# UTF-7 spells markup in plain ASCII ("+ADw-script+AD4-"), so a filter in front never sees it; no office system
# sends it.
_REFUSED_CHARSETS = frozenset({"utf-7"})


def declared_charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type as a Python codec name; None when absent.

    An unknown charset is a 415: the server cannot read what the client says it sent.
    """
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            label = value.strip().strip('"').lower()
            try:
                info = codecs.lookup(label)
            except LookupError:
                info = None
            # base64, rot13 and friends are codecs too, but not text encodings.
            if info is None or not getattr(info, "_is_text_encoding", True):
                raise ProblemError(415, "unsupported_media_type", f"Unknown charset {label[:40]!r}.")
            if info.name in _REFUSED_CHARSETS:
                raise ProblemError(
                    415,
                    "unsupported_media_type",
                    f"The charset {info.name!r} is not accepted: send UTF-8 (or windows-1252 / ISO-8859-1).",
                )
            return info.name
    return None
