"""Optional transformers backend: a fine-tuned local encoder decides which sentences are advice.

Imported only when a model folder says ``"backend": "transformers"`` or when training with that backend, so
``import botrygt_nlp`` never imports torch. Everything loads from local folders (``local_files_only``);
nothing is downloaded. The sentence is the unit that decides constructiveness, so the encoder classifies
sentences; crime type, alarmist and witness appeal stay with the linear models, and the constructive
aggregator is re-fitted on the encoder's probabilities for sentences it did not train on.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botrygt_nlp.classify.model import LinearBackend
from botrygt_nlp.errors import ModelError
from botrygt_nlp.nlp.text import ProcessedText

if TYPE_CHECKING:
    from botrygt_nlp.classify.train import PreparedUnit, TrainConfig

ENCODER_DIR = "encoder_advice"
_CONFIG_FILE = "transformers.json"


def _import_torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelError(
            "The transformers backend needs the optional extra: pip install -e '.[transformers]' "
            "(torch==2.13.0, the CPU wheel)."
        ) from exc
    return torch


class TransformersBackend:
    def __init__(self, model: Any, tokenizer: Any, fallback: LinearBackend, max_length: int, threads: int) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.fallback = fallback
        self.max_length = max_length
        self.threads = threads

    @classmethod
    def load(cls, model_dir: Path, fallback: LinearBackend) -> TransformersBackend:
        torch = _import_torch()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        enc = model_dir / ENCODER_DIR
        if not (enc / "config.json").is_file():
            raise ModelError(f"{enc} has no fine-tuned encoder (config.json missing); retrain the model.")
        cfg = json.loads((model_dir / _CONFIG_FILE).read_text(encoding="utf-8"))
        tokenizer = AutoTokenizer.from_pretrained(enc, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(enc, local_files_only=True)
        model.eval()
        threads = int(cfg.get("threads", 1))
        torch.set_num_threads(max(1, threads))
        return cls(model, tokenizer, fallback, int(cfg.get("max_length", 128)), threads)

    def sentence_probabilities(self, sentences: Sequence[str], batch_size: int = 32) -> list[float]:
        torch = _import_torch()
        out: list[float] = []
        with torch.inference_mode():
            for i in range(0, len(sentences), batch_size):
                batch = self.tokenizer(
                    list(sentences[i : i + batch_size]),
                    truncation=True,
                    max_length=self.max_length,
                    padding=True,
                    return_tensors="pt",
                )
                logits = self.model(**batch).logits
                out.extend(float(p) for p in torch.softmax(logits, dim=-1)[:, 1])
        return out

    def advice_probabilities(self, doc: ProcessedText, features: Sequence[Sequence[str]]) -> list[float]:
        if not doc.sentences:
            return []
        return self.sentence_probabilities([s.text for s in doc.sentences])


# Linear advice probabilities in this band are the unsure ones a cascade hands to the encoder.
DEFAULT_CASCADE_BAND = (0.2, 0.8)


class CascadeBackend:
    """Linear first, the encoder only where the linear model is unsure.

    Every sentence gets its linear advice probability; those inside ``band`` are read again by the encoder and
    get the mean of the two log-odds. Sentences the linear model is sure of (most of them) cost nothing
    more, so the cascade runs near linear speed when few sentences are in doubt.
    """

    def __init__(self, encoder: TransformersBackend, linear: LinearBackend, band: tuple[float, float]) -> None:
        self.encoder = encoder
        self.linear = linear
        self.band = band
        self.sentences_sent = 0  # how many sentences went to the encoder (for benchmarks)

    @classmethod
    def load(cls, model_dir: Path, fallback: LinearBackend) -> CascadeBackend:
        encoder = TransformersBackend.load(model_dir, fallback)
        cfg = json.loads((model_dir / _CONFIG_FILE).read_text(encoding="utf-8"))
        lo, hi = cfg.get("cascade_band", DEFAULT_CASCADE_BAND)
        return cls(encoder, fallback, (float(lo), float(hi)))

    def advice_probabilities(self, doc: ProcessedText, features: Sequence[Sequence[str]]) -> list[float]:
        probs = self.linear.advice_probabilities(doc, features)
        lo, hi = self.band
        unsure = [i for i, p in enumerate(probs) if lo <= p <= hi]
        if not unsure:
            return probs
        self.sentences_sent += len(unsure)
        second = self.encoder.sentence_probabilities([doc.sentences[i].text for i in unsure])
        for i, q in zip(unsure, second, strict=True):
            probs[i] = _mean_of_log_odds(probs[i], q)
        return probs


def _mean_of_log_odds(p: float, q: float) -> float:
    eps = 1e-6
    p, q = min(max(p, eps), 1 - eps), min(max(q, eps), 1 - eps)
    z = (math.log(p / (1 - p)) + math.log(q / (1 - q))) / 2
    return 1.0 / (1.0 + math.exp(-z))


def _fine_tune(base_model: Path, texts: list[str], labels: list[int], cfg: TrainConfig, out: Path) -> tuple[Any, Any]:
    torch = _import_torch()
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(cfg.seed)
    tokenizer = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(base_model, num_labels=2, local_files_only=True)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate)
    positives = max(1, sum(labels))
    # Advice sentences are a minority: weight them so the encoder does not learn "never advice".
    weight = torch.tensor([1.0, max(1.0, (len(labels) - positives) / positives)])
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    order = list(range(len(texts)))
    rng = random.Random(cfg.seed)
    for _epoch in range(cfg.epochs):
        rng.shuffle(order)
        for i in range(0, len(order), cfg.batch_size):
            idx = order[i : i + cfg.batch_size]
            batch = tokenizer(
                [texts[j] for j in idx],
                truncation=True,
                max_length=cfg.max_length,
                padding=True,
                return_tensors="pt",
            )
            logits = model(**batch).logits
            loss = loss_fn(logits, torch.tensor([labels[j] for j in idx]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return model, tokenizer


def train_transformers(
    prepared: list[PreparedUnit], model_dir: Path, cfg: TrainConfig, *, cascade: bool = False
) -> None:
    """Fine-tune the encoder on 80 % of the training documents; re-fit the aggregator on the other 20 % (not for
    a cascade, where the linear probabilities, and so the linear aggregator, decide most sentences)."""
    from botrygt_nlp.classify.features import aggregate_features, without_furniture
    from botrygt_nlp.classify.linear import fit_linear
    from botrygt_nlp.classify.model import LinearBundle

    if not cfg.base_model:
        raise ModelError("The transformers backend needs a base model folder (--base-model DIR).")
    base = Path(cfg.base_model)
    if not (base / "config.json").is_file():
        raise ModelError(f"{base} is not a Hugging Face model folder (config.json is missing).")
    order = list(range(len(prepared)))
    random.Random(cfg.seed).shuffle(order)
    cut = max(1, int(len(order) * 0.8))
    fit_idx, calib_idx = order[:cut], order[cut:]
    from botrygt_nlp.classify.train import IGNORE

    pairs = [
        (s.text, y)
        for i in fit_idx
        for s, y in zip(prepared[i].doc.sentences, prepared[i].sentence_labels, strict=True)
        if y != IGNORE
    ]
    texts = [t for t, _y in pairs]
    labels = [y for _t, y in pairs]
    model, tokenizer = _fine_tune(base, texts, labels, cfg, model_dir / ENCODER_DIR)
    settings: dict[str, object] = {"base_model": base.name, "max_length": cfg.max_length, "threads": 1}
    if cascade:
        settings["cascade_band"] = list(DEFAULT_CASCADE_BAND)
    (model_dir / _CONFIG_FILE).write_text(json.dumps(settings, indent=2) + "\n")
    if cascade:
        return

    bundle = LinearBundle.load(model_dir)
    backend = TransformersBackend(model, tokenizer, LinearBackend(bundle), cfg.max_length, 1)
    agg_feats: list[list[str]] = []
    agg_labels: list[str] = []
    for i in calib_idx:
        p = prepared[i]
        if not p.unit.relevant:
            continue
        probs = backend.sentence_probabilities([s.text for s in p.doc.sentences]) if p.doc.sentences else []
        probs = without_furniture(probs, p.sigs)
        agg_feats.append(aggregate_features(probs, p.sigs, [s.is_list_item for s in p.doc.sentences]))
        agg_labels.append(str(int(p.unit.constructive)))
    if len(set(agg_labels)) == 2:
        fit_linear("constructive", agg_feats, agg_labels, c=cfg.c_aggregate, min_count=1).save(model_dir)
