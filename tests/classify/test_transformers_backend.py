"""The transformers path, for real: a tiny BERT built locally is fine-tuned by `botrygt train --backend
transformers` and predicts through the same `analyze` interface. Nothing is downloaded."""

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
    assert (out / "encoder_advice" / "config.json").is_file()
    assert "Model card" in (out / "MODEL_CARD.md").read_text()

    analyzer = Analyzer(out)
    assert isinstance(analyzer.backend, TransformersBackend)
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
    code = (
        "import sys; from botrygt_nlp import analyze; "
        "analyze('Indbrud i villa i Vejle i nat.'); print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
