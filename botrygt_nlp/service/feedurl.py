"""Shape check of a feed URL before it is stored (the API and the Kilder page share it).

The store only checks the scheme; a URL with no host, a port out of range, broken brackets, whitespace
inside, or credentials (which every reader of ``GET /v1/feeds`` and ``/kilder`` would see) is refused here.
The address itself is checked by the SSRF guard when the feed is fetched.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# The whole shape, for the OpenAPI schema and as the last check below: http(s), a host (letters, digits and
# . _ ~ -, Latin letters with diacritics for names like æøå.dk, or a bracketed IPv6 address), an optional port,
# then a path/query with no spaces. Only constructs that read the same in Python and ECMAScript regexes (the
# dialect of JSON Schema), so clients validating against the schema agree with the server.
FEED_URL_PATTERN = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9\u00C0-\u024F._~-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?([/?#][^\s]*)?$"
)
_FEED_URL = re.compile(FEED_URL_PATTERN)


def feed_url_problem(url: str) -> tuple[str, str] | None:
    """``None`` when the URL is usable, else the reason as (English, Danish)."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "The feed URL contains spaces or control characters.", "Adressen indeholder mellemrum eller styretegn."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when out of range or not a number
    except ValueError:
        return "The feed URL cannot be parsed.", "Adressen kan ikke læses."
    if parts.scheme.lower() not in ("http", "https"):
        return "The feed URL must start with http:// or https://.", "Adressen skal begynde med http:// eller https://."
    if not parts.hostname:
        return "The feed URL has no host name.", "Adressen mangler et værtsnavn."
    if parts.username is not None or parts.password is not None:
        return (
            "The feed URL must not contain a user name or password; they would be shown to every reader.",
            "Adressen må ikke indeholde brugernavn eller adgangskode; alle, der ser kilderne, ville kunne læse dem.",
        )
    if not _FEED_URL.fullmatch(url):
        return "The feed URL's host name is not valid.", "Adressens værtsnavn er ugyldigt."
    return None
