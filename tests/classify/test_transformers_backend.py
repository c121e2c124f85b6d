"""The encoder backends, for real: a tiny BERT built locally gets adapters fine-tuned by `botrygt train --backend
transformers|cascade` and predicts through the same `analyze` interface; the network is checked against
transformers' own BertModel; adapters merge exactly. Nothing is downloaded. The shipped e5-small encoder is
tested in test_e5_encoder.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import require_or_skip

try:
    import torch  # noqa: F401
    import transformers  # noqa: F401

    HAVE_TRANSFORMERS = True
except ImportError:  # pragma: no cover - depends on the install
    HAVE_TRANSFORMERS = False

pytestmark = pytest.mark.transformers


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 training units and 20 held-out units cut from the real corpus (a fast, representative sample)."""
    from botrygt_nlp.config import PROJECT_ROOT

    out = tmp_path_factory.mktemp("corpus")
    src = PROJECT_ROOT / "models" / "corpus"
    lines = (src / "home.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    lines += (src / "not_relevant.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    (out / "sample.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    held = (src / "heldout_independent.jsonl").read_text(encoding="utf-8").splitlines()[:20]
    (out / "heldout_sample.jsonl").write_text("\n".join(held) + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory, small_corpus: Path) -> Path:
    require_or_skip("BOTRYGT_REQUIRE_TRANSFORMERS", HAVE_TRANSFORMERS, "torch/transformers not installed")
    from tests.classify.tiny_bert import build_tiny_bert

    texts = [json.loads(line)["text"] for f in small_corpus.glob("*.jsonl") for line in f.read_text().splitlines()]
    return build_tiny_bert(texts, tmp_path_factory.mktemp("tiny_bert"))


def test_train_and_predict_through_the_same_interface(tiny_bert: Path, small_corpus: Path, tmp_path: Path) -> None:
    from botrygt_nlp.analysis import Analyzer
    from botrygt_nlp.classify.transformers_backend import TransformersBackend
    from botrygt_nlp.cli import app

    out = tmp_path / "model"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "--backend",
            "transformers",
            "--base-model",
            str(tiny_bert),
            "--corpus",
            str(small_corpus),
            "--out",
            str(out),
            "--epochs",
            "1",
            "--max-length",
            "64",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert report["version"].startswith("transformers-")
    from botrygt_nlp.classify.transformers_backend import ADAPTER_FILE, EncoderSettings

    assert (out / ADAPTER_FILE).is_file()
    assert EncoderSettings.read(out).base == str(tiny_bert.resolve())
    assert "Model card" in (out / "MODEL_CARD.md").read_text()

    analyzer = Analyzer(out)
    assert isinstance(analyzer.backend, TransformersBackend)
    assert analyzer.encoder_unavailable is None
    text = "Der var indbrud i en villa i Køge i nat. Husk at låse døren, og sæt lys med sensor op ved carporten."
    a = analyzer.assess(text)
    assert a.model_version == report["version"]
    assert 0.0 <= a.score <= 1.0
    for span in a.advice_spans:
        assert text[span.start : span.end] == span.text


def test_a_cascade_sends_only_the_unsure_sentences_to_the_encoder(
    tiny_bert: Path, small_corpus: Path, tmp_path: Path
) -> None:
    """`--backend cascade` trains the encoder beside the linear model; at run time the linear probabilities in
    the band go to the encoder (their mean log-odds with its answer), the others stay as they were."""
    from botrygt_nlp.analysis import Analyzer
    from botrygt_nlp.classify.features import sentence_feature_lists
    from botrygt_nlp.classify.model import LinearBackend
    from botrygt_nlp.classify.transformers_backend import CascadeBackend
    from botrygt_nlp.cli import app
    from botrygt_nlp.nlp.signals import document_signals
    from botrygt_nlp.nlp.text import process

    out = tmp_path / "cascade"
    args = ["train", "--backend", "cascade", "--base-model", str(tiny_bert), "--corpus", str(small_corpus)]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--epochs", "1", "--max-length", "32"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "transformers.json").read_text())["cascade_band"] == [0.2, 0.8]
    analyzer = Analyzer(out)
    backend = analyzer.backend
    assert isinstance(backend, CascadeBackend)

    text = (
        "Der var indbrud i en villa i Køge i nat. Tyven stjal smykker. Husk at låse døren. "
        "Politiet efterforsker sagen, og naboerne er utrygge. Sæt lys med sensor op ved carporten."
    )
    doc = process(analyzer.nlp, text)
    feats = sentence_feature_lists(doc, document_signals(doc))
    linear = LinearBackend(analyzer.bundle).advice_probabilities(doc, feats)
    backend.band = (0.0, 1.0)  # every sentence is "unsure": all go to the encoder
    backend.sentences_sent = 0
    both = backend.advice_probabilities(doc, feats)
    assert backend.sentences_sent == len(doc.sentences)
    assert both != linear
    from botrygt_nlp.classify.transformers_backend import ENCODER_SENTENCES_PER_TEXT

    long_doc = process(analyzer.nlp, " ".join(f"Husk at låse dør nummer {i}." for i in range(80)))
    backend.sentences_sent = 0
    backend.advice_probabilities(long_doc, sentence_feature_lists(long_doc, document_signals(long_doc)))
    assert len(long_doc.sentences) > ENCODER_SENTENCES_PER_TEXT == backend.sentences_sent  # a bounded cost per text
    backend.band = (2.0, 3.0)  # no sentence is: the cascade is the linear model
    backend.sentences_sent = 0
    assert backend.advice_probabilities(doc, feats) == linear and backend.sentences_sent == 0
    a = analyzer.assess(text)
    assert a.constructive == bool(a.advice_spans)


def test_base_model_must_be_a_local_folder(tmp_path: Path) -> None:
    from botrygt_nlp.cli import app

    result = CliRunner().invoke(app, ["train", "--backend", "transformers", "--base-model", str(tmp_path)])
    assert result.exit_code == 2
    assert "config.json" in result.output


def test_importing_the_package_never_imports_torch() -> None:
    """torch comes in with the encoder, never with the package: a linear model, or the encoder switched off
    (BOTRYGT_ENCODER=off), scores without it."""
    import os

    code = (
        "import sys; import botrygt_nlp; assert 'torch' not in sys.modules; "
        "a = botrygt_nlp.get_analyzer(); a.assess('Indbrud i villa i Vejle i nat.'); "
        "print('torch' in sys.modules, a.model_version.endswith('+linear') or a.meta.backend == 'linear')"
    )
    env = {**os.environ, "BOTRYGT_ENCODER": "off"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "False True"


def _tiny_network(tiny_bert: Path) -> tuple[object, object]:
    from botrygt_nlp.classify.transformers_backend import load_base

    return load_base(tiny_bert)


def test_the_network_computes_what_transformers_bert_computes(tiny_bert: Path) -> None:
    """The encoder runs without transformers; on the same weights its hidden states are BertModel's."""
    import torch
    from transformers import BertModel

    from botrygt_nlp.classify.transformers_backend import encode, prepare_tokenizer

    ours, tokenizer = _tiny_network(tiny_bert)
    ours.eval()  # type: ignore[attr-defined]
    reference = BertModel.from_pretrained(tiny_bert, local_files_only=True)
    reference.eval()
    ids, mask = encode(prepare_tokenizer(tokenizer, 64), ["Husk at låse døren.", "Tyven stjal en cykel i Køge i nat."])
    assert mask[0].sum() < mask[1].sum()  # padding is exercised
    with torch.inference_mode():
        got = ours.hidden_states(ids, mask)  # type: ignore[attr-defined]
        want = reference(input_ids=ids, attention_mask=mask).last_hidden_state
    real = mask.bool()
    assert torch.allclose(got[real], want[real], atol=1e-5)


def test_merged_adapters_give_the_adapted_network(tiny_bert: Path) -> None:
    """What is trained (adapters + head) and what is run (adapters merged into the weights) agree."""
    import torch

    from botrygt_nlp.classify.transformers_backend import encode, prepare_tokenizer

    model, tokenizer = _tiny_network(tiny_bert)
    model.add_adapters(4, 8.0)  # type: ignore[attr-defined]
    torch.manual_seed(0)
    for name, param in model.named_parameters():  # type: ignore[attr-defined]
        if "lora_b" in name:
            torch.nn.init.normal_(param, std=0.5)  # B starts at zero; make the adapters matter
    model.eval()  # type: ignore[attr-defined]
    ids, mask = encode(prepare_tokenizer(tokenizer, 64), ["Lås døren.", "Der var indbrud i nat i Vejle."])
    with torch.inference_mode():
        adapted = model(ids, mask)  # type: ignore[operator]
        model.merge_adapters()  # type: ignore[attr-defined]
        merged = model(ids, mask)  # type: ignore[operator]
    assert not torch.allclose(adapted, torch.zeros_like(adapted))
    assert torch.allclose(adapted, merged, atol=1e-4)


def test_int8_layers_compute_what_the_float_layers_compute(tiny_bert: Path) -> None:
    import torch

    from botrygt_nlp.classify.encoder_net import Int8Linear
    from botrygt_nlp.classify.transformers_backend import encode, prepare_tokenizer

    model, tokenizer = _tiny_network(tiny_bert)
    model.eval()  # type: ignore[attr-defined]
    ids, mask = encode(prepare_tokenizer(tokenizer, 64), ["Lås døren.", "Der var indbrud i nat i Vejle."])
    with torch.inference_mode():
        exact = model.hidden_states(ids, mask)  # type: ignore[attr-defined]
        model.merge_adapters(quantise=True)  # type: ignore[attr-defined]
        quick = model.hidden_states(ids, mask)  # type: ignore[attr-defined]
    assert any(isinstance(m, Int8Linear) for m in model.modules())  # type: ignore[attr-defined]
    real = mask.bool()
    # LayerNorm keeps every hidden state near unit scale; int8 rounding moves it by a few hundredths.
    assert (quick[real] - exact[real]).abs().max() < 0.1
    assert torch.nn.functional.cosine_similarity(quick[real], exact[real]).min() > 0.99


def test_a_model_whose_encoder_cannot_load_scores_with_its_linear_part_and_says_so(
    tiny_bert: Path, small_corpus: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A missing adapter file (or base, or torch) leaves the linear model scoring: the version carries
    "+linear", the reason is logged and kept, and nothing crashes."""
    import shutil

    from botrygt_nlp.analysis import Analyzer
    from botrygt_nlp.classify.model import LinearBackend
    from botrygt_nlp.classify.transformers_backend import ADAPTER_FILE, TransformersBackend
    from botrygt_nlp.cli import app
    from botrygt_nlp.config import EncoderUse

    out = tmp_path / "cascade"
    args = ["train", "--backend", "cascade", "--base-model", str(tiny_bert), "--corpus", str(small_corpus)]
    assert CliRunner().invoke(app, [*args, "--out", str(out), "--epochs", "1"]).exit_code == 0
    whole = Analyzer(out)
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    (broken / ADAPTER_FILE).unlink()
    with caplog.at_level("WARNING"):
        fallback = Analyzer(broken)
    assert isinstance(fallback.backend, LinearBackend)
    assert fallback.encoder_unavailable and ADAPTER_FILE in fallback.encoder_unavailable
    assert any(ADAPTER_FILE in r.getMessage() for r in caplog.records)
    text = "Der var indbrud i en villa i Køge i nat. Husk at låse døren."
    assert fallback.assess(text).model_version == whole.model_version + "+linear"
    switched_off = Analyzer(out, encoder="off")  # type: ignore[arg-type]  # a plain string, as a caller may pass
    assert switched_off.encoder_use is EncoderUse.OFF
    assert isinstance(switched_off.backend, LinearBackend)
    assert switched_off.assess(text).model_version.endswith("+linear")
    alone = Analyzer(out, encoder=EncoderUse.ALONE)  # the encoder decides every sentence, and the version says so
    assert isinstance(alone.backend, TransformersBackend)
    assert alone.assess(text).model_version == whole.model_version + "+encoder"
    shutil.rmtree(broken)
