"""Report bytes in and out: UTF-8 by default, a declared or named 8-bit encoding kept for the output.

Older newsroom and police systems still export Windows-1252 or Latin-1. Such a report is read in that
encoding and written back in it, so the bytes of the original survive the rewrite exactly. Nothing is
guessed silently: a file that is not UTF-8 is decoded otherwise only when the caller names the encoding or
an HTML page declares it (``<meta charset="windows-1252">``). Inserted advice may hold characters the
encoding lacks (Latin-1 has no "–"): in HTML they become character references, in text a plain look-alike.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from botrygt_nlp.errors import BinaryInputError, EncodingError
from botrygt_nlp.reports.types import ReportFormat

UTF8 = "utf-8"
_META_CHARSET = re.compile(
    rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
# Look-alikes for characters an 8-bit encoding may lack; the templates use these few.
_PLAIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " "})


@dataclass(frozen=True, slots=True)
class DecodedReport:
    text: str
    encoding: str  # the codec's canonical name, e.g. "utf-8", "cp1252", "latin-1"

    def encode(self, text: str, fmt: ReportFormat) -> bytes:
        """``text`` (the original with blocks inserted) in this report's encoding."""
        if self.encoding == UTF8:
            return text.encode(UTF8)
        try:
            return text.encode(self.encoding)
        except UnicodeEncodeError:
            if fmt is ReportFormat.HTML:
                return text.encode(self.encoding, errors="xmlcharrefreplace")
            return text.translate(_PLAIN).encode(self.encoding, errors="replace")


def _canonical(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise EncodingError(f"Unknown text encoding {name!r}.") from exc


def read_report(data: bytes, encoding: str | None = None) -> DecodedReport:
    """Bytes of a report file as text, with the encoding the output must be written in.

    UTF-8 unless ``encoding`` names another codec or an HTML page declares one; a BOM is kept as a character
    so the output bytes round-trip.
    """
    if b"\x00" in data[:8192]:
        raise BinaryInputError("The report looks like a binary file (it contains NUL bytes).")
    if encoding is None:
        try:
            return DecodedReport(data.decode(UTF8), UTF8)
        except UnicodeDecodeError as exc:
            declared = _META_CHARSET.search(data[:4096])
            if declared is None or _canonical(declared.group(1).decode("ascii")) == UTF8:
                try:
                    data.decode("cp1252")
                    decodes_as: str | None = "cp1252"
                except UnicodeDecodeError:
                    decodes_as = None
                raise EncodingError(f"The report is not UTF-8 text (byte {exc.start}).", decodes_as=decodes_as) from exc
            encoding = declared.group(1).decode("ascii")
    codec = _canonical(encoding)
    try:
        return DecodedReport(data.decode(codec), codec)
    except UnicodeDecodeError as exc:
        raise EncodingError(f"The report cannot be decoded as {codec} (byte {exc.start}).") from exc
