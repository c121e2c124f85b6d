"""Error tree of botrygt-nlp and the one catalogue of error codes every edge (CLI, API, web) reads.

BotrygtError                    base; ``retryable`` says whether trying again may help
├── InputError                  the caller's input is unusable (permanent)
│   ├── EmptyTextError          empty or whitespace-only text
│   ├── EncodingError           bytes that are not UTF-8 (or a declared encoding) text
│   ├── BinaryInputError        a binary file (NUL bytes, control characters)
│   ├── TextTooLargeError       over the configured size limit
│   ├── NotDanishError          text in another language; not scored as if Danish
│   └── MalformedRecordError    a JSONL line / record that does not parse or lacks fields
├── ModelError                  the model artefact is missing, corrupt or incompatible (permanent)
├── TemplateError               an advice template fails validation or rendering (permanent)
├── FetchError                  fetching a URL failed
│   ├── BlockedURLError         refused by the SSRF guard or robots.txt (permanent)
│   ├── TransientFetchError     timeouts, 429, 5xx, connection resets (retryable)
│   └── PermanentFetchError     4xx other than 429, bad scheme, too large (permanent)
└── StorageError                database problems (retryable): never the caller's or a feed's fault
    └── StorageFullError        the disk (or quota) holding the database is full

``CATALOGUE`` gives every stable code (these errors' and the ones the HTTP edges raise themselves: auth,
limits, routing) its HTTP status, an English and a Danish title and, where the title is too curt for a page,
a Danish sentence. The API's problem+json, the Danish pages and the CLI's exit status all come from here.
"""

from __future__ import annotations

from dataclasses import dataclass


class BotrygtError(Exception):
    """Base of all errors raised by botrygt-nlp on purpose."""

    retryable: bool = False
    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(BotrygtError):
    code = "bad_input"


class EmptyTextError(InputError):
    code = "empty_text"


class EncodingError(InputError):
    code = "bad_encoding"

    def __init__(self, message: str, *, decodes_as: str | None = None) -> None:
        super().__init__(message)
        # An encoding the bytes do decode in (Windows-1252 for old office systems): each edge says in its own
        # terms how to name it (``--encoding cp1252``, ``charset=windows-1252``).
        self.decodes_as = decodes_as


class BinaryInputError(InputError):
    code = "binary_input"


class TextTooLargeError(InputError):
    code = "too_large"


class NotDanishError(InputError):
    code = "not_danish"

    def __init__(self, message: str, language: str) -> None:
        super().__init__(message)
        self.language = language


class MalformedRecordError(InputError):
    code = "malformed_record"


class ModelError(BotrygtError):
    code = "model_error"


class TemplateError(BotrygtError):
    code = "template_error"


class FetchError(BotrygtError):
    code = "fetch_error"


class BlockedURLError(FetchError):
    code = "blocked_url"


class TransientFetchError(FetchError):
    code = "fetch_transient"
    retryable = True


class PermanentFetchError(FetchError):
    code = "fetch_permanent"


class StorageError(BotrygtError):
    code = "storage_error"
    retryable = True


class StorageFullError(StorageError):
    code = "storage_full"


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """What an edge says about one error code."""

    status: int  # HTTP status
    title: str  # English title (problem+json ``title``)
    title_da: str  # Danish title (problem+json ``title_da``, the heading of the HTML error page)
    # The Danish sentence a page shows instead of the error's own message (lower-case, no full stop). None:
    # the page shows the error's own message, which is more specific than any title (a line number, a
    # Danish text raised by the page itself).
    message_da: str | None = None


CATALOGUE: dict[str, ErrorInfo] = {
    # Core errors (the tree above, plus codes of errors defined next to their module).
    "bad_input": ErrorInfo(422, "Unusable input", "Inddata kan ikke bruges"),
    "empty_text": ErrorInfo(422, "Empty text", "Teksten er tom", "teksten er tom"),
    "bad_encoding": ErrorInfo(
        422, "Text is not UTF-8", "Teksten er ikke UTF-8", "teksten er ikke UTF-8; gem filen som UTF-8, og prøv igen"
    ),
    "binary_input": ErrorInfo(
        422, "Binary input", "Filen er ikke tekst", "filen ser ud til at være binær og ikke tekst"
    ),
    "too_large": ErrorInfo(413, "Too large", "For stor", "teksten er for lang"),
    "not_danish": ErrorInfo(
        422, "Text is not Danish", "Teksten er ikke dansk", "teksten ser ikke ud til at være på dansk"
    ),
    "malformed_record": ErrorInfo(422, "Malformed record", "Ugyldig post"),
    "unknown_place": ErrorInfo(
        422,
        "Unknown place",
        "Stedet kendes ikke",
        "kommunen eller politikredsen kendes ikke; skriv en af de 98 kommuner eller 12 politikredse",
    ),
    "model_error": ErrorInfo(503, "Model unavailable", "Modellen kan ikke bruges", "modellen kan ikke bruges lige nu"),
    "template_error": ErrorInfo(500, "Advice template failed", "Rådskabelonen fejlede", "rådskabelonen fejlede"),
    "fetch_error": ErrorInfo(502, "Fetching failed", "Hentning mislykkedes"),
    "blocked_url": ErrorInfo(422, "URL refused", "Adressen er afvist"),
    "fetch_transient": ErrorInfo(502, "Temporary fetch failure", "Midlertidig fejl ved hentning"),
    "fetch_permanent": ErrorInfo(422, "URL could not be fetched", "Adressen kunne ikke hentes"),
    "feed_exists": ErrorInfo(409, "Feed already added", "Kilden er allerede tilføjet", "kilden er allerede tilføjet"),
    "unknown_feed": ErrorInfo(404, "No such feed", "Kilden findes ikke", "kilden findes ikke (længere)"),
    "storage_error": ErrorInfo(
        503, "Storage unavailable", "Databasen er ikke tilgængelig", "databasen svarer ikke lige nu; prøv igen om lidt"
    ),
    "storage_full": ErrorInfo(
        503,
        "Storage full",
        "Lageret er fuldt",
        "lageret er fuldt, så intet kunne gemmes; der skal frigøres plads på disken",
    ),
    # Raised by the HTTP edges themselves.
    "validation_error": ErrorInfo(422, "Invalid request", "Ugyldig forespørgsel"),
    "unauthorized": ErrorInfo(401, "API key required", "API-nøgle mangler eller er ugyldig"),
    "forbidden": ErrorInfo(403, "Forbidden", "Adgang nægtet"),
    "csrf_failed": ErrorInfo(403, "CSRF check failed", "Formularen er udløbet; prøv igen"),
    "not_found": ErrorInfo(404, "Not found", "Findes ikke"),
    "method_not_allowed": ErrorInfo(405, "Method not allowed", "Metoden er ikke tilladt"),
    "conflict": ErrorInfo(409, "Conflict", "Konflikt"),
    "unsupported_media_type": ErrorInfo(415, "Unsupported media type", "Filtypen understøttes ikke"),
    "rate_limited": ErrorInfo(429, "Too many requests", "For mange forespørgsler"),
    "busy": ErrorInfo(503, "Server busy", "Serveren har travlt"),
    "request_timeout": ErrorInfo(408, "Request not received in time", "Forespørgslen kom ikke frem i tide"),
    "not_available": ErrorInfo(501, "Not available in this installation", "Ikke tilgængelig i denne installation"),
    "internal_error": ErrorInfo(500, "Internal error", "Intern fejl"),
}


def error_info(exc: BotrygtError) -> ErrorInfo:
    """The catalogue entry of ``exc``: its own code's, else its nearest catalogued ancestor's."""
    for cls in type(exc).__mro__:
        code = getattr(cls, "code", None)
        if isinstance(code, str) and code in CATALOGUE:
            return CATALOGUE[code]
    return CATALOGUE["internal_error"]


def danish_message(exc: BotrygtError, subject: str | None = None) -> str:
    """A Danish sentence for a page; the error's own message where its code has no Danish sentence.

    With ``subject`` (a file name): ``"<subject>: <sentence>."``, else the sentence capitalised.
    """
    info = CATALOGUE.get(exc.code)
    text = info.message_da if info is not None else None
    if text is None:
        return exc.message
    return f"{subject}: {text}." if subject else text[:1].upper() + text[1:] + "."


def exit_status(exc: BotrygtError) -> int:
    """The CLI's exit status for ``exc``: 2 for unusable input (the caller can fix it), 1 otherwise."""
    return 2 if isinstance(exc, InputError) else 1
