"""Uploaded files -> text. txt/md/html are decoded; docx and pdf go through python-docx / pypdf.

Input is hostile: type is decided by content signature first and file name second, binary content is
refused, and every failure is a typed :mod:`botrygt_nlp.errors` input error (shown as a message, never a 500).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

from botrygt_nlp.errors import InputError
from botrygt_nlp.inputs import decode_text


class DocKind(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    kind: DocKind
    text: str  # for HTML: the markup itself; callers that need plain text use html_to_text


_SUFFIX = {
    ".txt": DocKind.TEXT,
    ".text": DocKind.TEXT,
    ".md": DocKind.MARKDOWN,
    ".markdown": DocKind.MARKDOWN,
    ".html": DocKind.HTML,
    ".htm": DocKind.HTML,
    ".docx": DocKind.DOCX,
    ".pdf": DocKind.PDF,
}
MAX_PDF_PAGES = 200
MAX_DOCX_UNZIPPED_BYTES = 100 * 1024 * 1024


def sniff(name: str, data: bytes) -> DocKind:
    if data.startswith(b"%PDF-"):
        return DocKind.PDF
    if data.startswith(b"PK\x03\x04"):
        return DocKind.DOCX
    kind = _SUFFIX.get(PurePath(name).suffix.lower())
    if kind in (DocKind.PDF, DocKind.DOCX):
        raise InputError(f"{name}: indholdet er ikke en gyldig {kind.value}-fil.")
    if kind is not None:
        return kind
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return DocKind.HTML
    return DocKind.TEXT


def _docx_text(name: str, data: bytes) -> str:
    import docx  # python-docx; imported here so the web package imports fast

    unreadable = InputError(f"{name}: filen kan ikke læses som et Word-dokument (.docx).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # A zip bomb: python-docx would inflate every part into memory.
            if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNZIPPED_BYTES:
                raise InputError(f"{name}: Word-dokumentet er for stort, når det pakkes ud.")
        document = docx.Document(io.BytesIO(data))
        return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())
    except InputError:
        raise
    except Exception as exc:  # hostile input: broken zip, broken XML (lxml), missing parts, wrong content type
        raise unreadable from exc


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(f"{name}: PDF-filen er krypteret.")
        pages = reader.pages[:MAX_PDF_PAGES]
        return "\n\n".join((page.extract_text() or "").strip() for page in pages)
    except InputError:
        raise
    except Exception as exc:  # hostile input: pypdf raises many kinds on broken files
        raise InputError(f"{name}: filen kan ikke læses som PDF.") from exc


def read_document(name: str, data: bytes) -> Document:
    if not data:
        raise InputError(f"{name}: filen er tom.")
    kind = sniff(name, data)
    if kind is DocKind.PDF:
        text = _pdf_text(name, data)
    elif kind is DocKind.DOCX:
        text = _docx_text(name, data)
    else:
        text = decode_text(data, name)
    if not text.strip():
        raise InputError(f"{name}: der er ingen tekst i filen.")
    return Document(name=PurePath(name).name or "upload", kind=kind, text=text)
