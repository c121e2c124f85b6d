"""The Danish text pipeline (spaCy) and the rule signals.

spaCy's numerical backend (thinc) imports torch at import time whenever torch is installed — ~2.5 s and
~200 MB that the default, linear backend never uses. We import spaCy once with torch hidden, so thinc sees
no torch; the optional transformers backend imports torch itself later, normally.
"""

from __future__ import annotations

import sys


def _import_spacy_without_torch() -> None:
    if "spacy" in sys.modules or "torch" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail inside thinc only
    try:
        import spacy  # noqa: F401
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


_import_spacy_without_torch()
