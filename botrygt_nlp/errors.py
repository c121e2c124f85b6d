"""Error tree of botrygt-nlp. Every edge (CLI, API, web) maps these once to its own form.

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
"""

from __future__ import annotations


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
