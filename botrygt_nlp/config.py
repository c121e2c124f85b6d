"""Settings: the only module that reads the environment (prefix ``BOTRYGT_``).

Built at the edge with :func:`get_settings` and passed explicitly into the core.
"""

from __future__ import annotations

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MAX_TEXT_CHARS = 1_000_000  # the longest text the analyzer takes unless told otherwise


def _default_models_dir() -> Path:
    # Source checkout: <root>/models. Installed wheel: models are package data under botrygt_nlp/_models.
    checkout = PROJECT_ROOT / "models"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_models"


def default_templates_dir() -> Path:
    """The shipped advice and page templates (the default of ``Settings.templates_dir``)."""
    checkout = PROJECT_ROOT / "templates"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_templates"


class EncoderUse(StrEnum):
    """How a model with an encoder uses it (``BOTRYGT_ENCODER``, any case)."""

    CASCADE = "cascade"  # as trained: the encoder reads the sentences the linear part is unsure of (default)
    ALONE = "alone"  # the encoder decides every sentence: best on real press, ~6 texts/s on one core
    OFF = "off"  # the linear part alone: fastest, and torch is never imported

    @classmethod
    def _missing_(cls, value: object) -> EncoderUse | None:
        return next((m for m in cls if isinstance(value, str) and m.value == value.strip().lower()), None)


def default_encoder_cache_dir() -> Path:
    """Where the frozen encoder base is built on first use: ``$XDG_CACHE_HOME/botrygt-nlp``, else
    ``~/.cache/botrygt-nlp``. Raises ``RuntimeError`` where there is no home folder (a container user without
    a passwd entry); it is only asked when an encoder is loaded, which then falls back to the linear part."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "botrygt-nlp"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOTRYGT_", extra="ignore")

    models_dir: Path = Field(default_factory=_default_models_dir)
    model_name: str = "default"
    encoder: EncoderUse = EncoderUse.CASCADE
    encoder_cache_dir: Path | None = None  # None: default_encoder_cache_dir(), resolved when an encoder loads
    templates_dir: Path = Field(default_factory=default_templates_dir)
    template_override_dir: Path | None = None
    data_dir: Path = Field(default_factory=lambda: Path.cwd() / "data")
    database_url: str | None = None
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    max_file_bytes: int = 60 * 1024 * 1024
    fetch_allow_hosts: str = ""
    fetch_timeout_s: float = 20.0
    fetch_max_bytes: int = 15 * 1024 * 1024
    fetch_min_host_delay_s: float = 1.0
    user_agent: str = "botrygt-nlp/0.1 (+https://botrygt.dk; press monitor for constructive crime communication)"

    # HTTP edge (None = the defaults in botrygt_nlp/service/options.py).
    api_max_body_bytes: int | None = None
    api_max_upload_bytes: int | None = None
    api_max_text_chars: int | None = None
    api_max_batch: int | None = None
    api_rate_limit_per_minute: int | None = None
    api_rate_limit_burst: int | None = None
    api_require_key_for_reads: bool | None = None
    api_cors_origins: str | None = None  # comma-separated origins; empty = CORS off
    api_session_secret: str | None = None
    api_secure_cookies: bool | None = None
    # Slow clients, big bodies and load (defaults and meaning in botrygt_nlp/service/options.py).
    api_header_timeout_s: float | None = None
    api_body_timeout_s: float | None = None
    api_body_min_rate: int | None = None
    api_keep_alive_s: float | None = None
    api_discard_body_bytes: int | None = None
    api_max_connections: int | None = None
    api_max_requests: int | None = None
    api_analysis_workers: int | None = None
    api_analysis_queue: int | None = None
    api_analysis_defer_s: float | None = None
    api_audit_fetch_threads: int | None = None
    api_audit_concurrency: int | None = None
    api_audit_deadline_s: float | None = None

    @property
    def model_dir(self) -> Path:
        return self.models_dir / self.model_name

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'botrygt.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
