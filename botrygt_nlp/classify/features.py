"""Feature strings for the linear models: readable names, so every weight can be shown to a person.

Sentence features feed the advice and principle models; document features feed the crime-type, alarmist and
witness-appeal models. Names are prefixed by kind (``w=`` word, ``b=`` bigram, ``l=`` lemma, ``sig=`` rule
signal, …) and a model keeps only those it saw often enough in training.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from botrygt_nlp.classify.linear import SentenceFeatures
from botrygt_nlp.domain import CrimeType, Span
from botrygt_nlp.nlp.phrases import lower_same_length
from botrygt_nlp.nlp.signals import (
    LEAD_SENTENCES,
    AlarmMatch,
    SentenceSignals,
    alarm_matches,
    crime_cue_matches,
    generic_theft_count,
    robbery_lead,
    state_fraud_lead,
)
from botrygt_nlp.nlp.text import ProcessedText, Sentence


@dataclass(frozen=True, slots=True)
class DocumentEvidence:
    """Phrase hits over title + text, found once and shared by the features and the output spans.

    Offsets are into ``title + "\n" + text`` (``offset`` = where the text starts).
    """

    offset: int
    cues: list[tuple[CrimeType, Span]]
    alarms: list[AlarmMatch]
    theft_count: int
    robbery: Span | None = None  # a robbery or assault heading the text (see signals.robbery_lead)
    # Fraud against the state or a public fund heading the text (see signals.state_fraud_lead): a decision rule in
    # the analysis, not a model feature.
    state_fraud: Span | None = None

    @classmethod
    def of(cls, doc: ProcessedText) -> DocumentEvidence:
        full = doc.title + "\n" + doc.text if doc.title else doc.text
        offset = len(doc.title) + 1 if doc.title else 0
        low = lower_same_length(full)  # one lowering serves all three searches
        return cls(
            offset,
            crime_cue_matches(full, low),
            alarm_matches(full, low),
            generic_theft_count(full, low),
            robbery_lead(doc),
            state_fraud_lead(doc),
        )

    @property
    def strong_alarm(self) -> bool:
        return any(a.strong for a in self.alarms)

    def in_text(self, spans: list[Span] | list[AlarmMatch]) -> tuple[Span, ...]:
        """The spans that lie in the body, with offsets into the body."""
        o = self.offset
        return tuple(Span(s.start - o, s.end - o, s.text) for s in spans if s.start >= o)


_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")
_INTRO_RE = re.compile(r"råd|tips|sådan|anbefal|opfordr|husk|forebyg|undgå|kan du gøre")


def _norm(word: str) -> str:
    return word.translate(_DIGITS_TO_ZERO)


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1" if n == 1 else "2" if n == 2 else "3-4" if n <= 4 else "5+"


def sentence_features(s: Sentence, sig: SentenceSignals, prev: Sentence | None, n_sentences: int) -> list[str]:
    feats: list[str] = ["bias"]
    words = s.norm
    feats.extend("w=" + w for w in words)
    feats.extend("b=" + a + "_" + b for a, b in itertools.pairwise(words))
    feats.extend("l=" + lemma for lemma in s.lemmas)
    feats.append("f=" + _norm(s.first))
    feats.append("fl=" + s.first_lemma)
    if len(words) > 1:
        feats.append("f2=" + words[0] + "_" + words[1])
    # Principle cue words ("lys", "pung", "betal") are topical: they tell which principle advice serves, not
    # whether a sentence is advice, so the advice model gets the form signals only.
    feats.extend("sig=" + name for name in sig.names() if not name.startswith("cue_"))
    if sig.imperative and not sig.question:
        feats.append("sig=imperative_statement")
    if sig.imperative and s.is_list_item:
        feats.append("sig=imperative_list_item")
    if s.is_list_item:
        feats.append("list_item")
    if s.in_quote:
        feats.append("quote")
    if sig.witness and not (sig.preventive_call or sig.imperative):
        feats.append("sig=witness_only")
    n = len(words)
    feats.append("len=" + ("short" if n < 6 else "mid" if n < 20 else "long" if n < 40 else "xlong"))
    if s.index == 0:
        feats.append("pos=first")
    if s.index == n_sentences - 1:
        feats.append("pos=last")
    if prev is not None:
        if prev.lower.rstrip().endswith(":"):
            feats.append("ctx=after_colon")
            if _INTRO_RE.search(prev.lower):
                feats.append("ctx=after_advice_intro")
        if prev.is_list_item:
            feats.append("ctx=after_list_item")
    return feats


# The form of the sentences around one (advice clusters: a tip list, a quote that goes on with the next
# recommendation, a witness appeal before or after): named "nb_prev=…" and "nb_next=…".
_NEIGHBOUR_SIGNALS = (
    "imperative",
    "advice_phrase",
    "modal",
    "exhort",
    "never_rule",
    "preventive_call",
    "witness",
    "narrative_subject",
)


def sentence_feature_lists(doc: ProcessedText, sigs: Sequence[SentenceSignals]) -> SentenceFeatures:
    """The advice model's features for every sentence of ``doc``: its own, and the form of its neighbours."""
    sentences = doc.sentences
    n = len(sentences)
    out = SentenceFeatures()
    for i, (s, sig) in enumerate(zip(sentences, sigs, strict=True)):
        feats = sentence_features(s, sig, sentences[i - 1] if i else None, n)
        for j, side in ((i - 1, "nb_prev="), (i + 1, "nb_next=")):
            if 0 <= j < n:
                other = sigs[j]
                feats.extend(side + name for name in _NEIGHBOUR_SIGNALS if getattr(other, name))
                if sentences[j].is_list_item:
                    feats.append(side + "list_item")
        out.append(feats)
    return out


def alarm_sentence_features(
    doc: ProcessedText, sentence_features: Sequence[list[str]], evidence: DocumentEvidence
) -> list[list[str]]:
    """The sentence alarm model's features: the advice model's sentence features (words, lemmas, form) and
    the ``alarm_phrase_features`` of the sentence."""
    return [
        [*feats, *extra] for feats, extra in zip(sentence_features, alarm_phrase_features(doc, evidence), strict=True)
    ]


def alarm_phrase_features(doc: ProcessedText, evidence: DocumentEvidence) -> list[list[str]]:
    """Per sentence, whether a phrase of the alarm lexicon lies in it ("ahit") and a strong one ("astrong");
    names no sentence feature uses, so the two lists can be looked up apart and joined (``LookedUp.plus``)."""
    body = [(a.start - evidence.offset, a.end - evidence.offset, a.strong) for a in evidence.alarms]
    out = []
    for s in doc.sentences:
        hits = [strong for start, end, strong in body if start < s.end and end > s.start]
        out.append((["ahit"] if hits else []) + (["astrong"] if any(hits) else []))
    return out


def principle_features(s: Sentence, sig: SentenceSignals) -> list[str]:
    feats = ["bias"]
    feats.extend("w=" + w for w in s.norm)
    feats.extend("l=" + lemma for lemma in s.lemmas)
    feats.extend("b=" + a + "_" + b for a, b in zip(s.words, s.words[1:], strict=False))
    feats.extend("cue=" + p.value for p in sig.principle_hits)
    feats.append("fl=" + s.first_lemma)
    return feats


def document_features(
    doc: ProcessedText, sentence_signals: Sequence[SentenceSignals], evidence: DocumentEvidence | None = None
) -> list[str]:
    feats: list[str] = ["bias"]
    words: list[str] = []
    lemmas: list[str] = []
    for s in doc.sentences:
        words.extend(s.norm)
        lemmas.extend(s.lemmas)
    feats.extend("w=" + w for w in set(words))
    feats.extend({"b=" + a + "_" + b for a, b in itertools.pairwise(words)})
    feats.extend("l=" + lemma for lemma in set(lemmas))
    # Compound heads and modifiers ("ladcykel" → "cykel", "cykeltyveri" → "cykel"/"tyveri").
    feats.extend({"ls=" + lemma[-5:] for lemma in lemmas if len(lemma) >= 8})
    feats.extend({"lp=" + lemma[:5] for lemma in lemmas if len(lemma) >= 8})
    feats.extend("t=" + _norm(w.strip(".,:;!?\"'«»()")) for w in doc.title_words)
    # The headline and lead say what a press text is about; the body of a long article mentions much else
    # (a van-theft story that notes that home burglaries fell). Their lemmas count again as "h=".
    lead = doc.sentences[:LEAD_SENTENCES]
    feats.extend({"h=" + lemma for s in lead for lemma in s.lemmas})
    ev = evidence or DocumentEvidence.of(doc)
    lead_end = (lead[-1].end if lead else 0) + ev.offset  # cue offsets are into title + "\n" + body
    cue_counts: dict[str, int] = {}
    for ct, span in ev.cues:
        cue_counts[ct.value] = cue_counts.get(ct.value, 0) + 1
        if span.start < lead_end:
            feats.append("hcue=" + ct.value)
    for name, count in cue_counts.items():
        feats.append("cue=" + name + ":" + _bucket(count))
        feats.append("cue=" + name)
    feats.append("theft=" + _bucket(ev.theft_count))
    if ev.robbery is not None:
        feats.append("robbery_lead")
    alarms = ev.alarms
    feats.append("alarm_n=" + _bucket(len(alarms)))
    feats.append("alarm_strong=" + _bucket(sum(a.strong for a in alarms)))
    feats.extend({"alarm=" + _norm(a.text.lower()) for a in alarms})
    # The same wording in another inflection or compound ("hærger"/"hærgede", "plaget"/"plager") shares a stem.
    feats.extend({"alarm5=" + a.text.lower()[:5] for a in alarms})
    n_witness = sum(1 for sig in sentence_signals if sig.witness)
    feats.append("witness_n=" + _bucket(n_witness))
    # An appeal worded as one ("søger vidner", "vil gerne høre fra"), and one near the end, where police and
    # press put it.
    if any(sig.witness_explicit for sig in sentence_signals):
        feats.append("witness_explicit")
    if any(sig.witness for sig in sentence_signals[-3:]):
        feats.append("witness_end")
    n_sent = len(doc.sentences)
    feats.append(
        "doc_len=" + ("tiny" if n_sent <= 2 else "short" if n_sent <= 6 else "mid" if n_sent <= 15 else "long")
    )
    return feats


def without_furniture(probs: list[float], sigs: list[SentenceSignals]) -> list[float]:
    """Advice probabilities with page furniture ("Læs også", subscription and cookie lines) set to 0: it is
    never evidence, for the spans or for the aggregator."""
    return [0.0 if sig.boilerplate else p for p, sig in zip(probs, sigs, strict=True)]


def aggregate_features(probs: list[float], sigs: list[SentenceSignals], list_items: list[bool]) -> list[str]:
    """Document-level evidence for the calibrated constructive decision, from sentence probabilities."""
    feats = ["bias"]
    top = sorted(probs, reverse=True)
    mx = top[0] if top else 0.0
    second = top[1] if len(top) > 1 else 0.0
    for cut in (0.2, 0.35, 0.5, 0.65, 0.8, 0.9):
        if mx >= cut:
            feats.append(f"max>={cut}")
        if second >= cut:
            feats.append(f"second>={cut}")
    n50 = sum(p >= 0.5 for p in probs)
    feats.append("n50=" + ("0" if n50 == 0 else "1" if n50 == 1 else "2" if n50 == 2 else "3+"))
    if sum(1 for p, li in zip(probs, list_items, strict=True) if li and p >= 0.5) >= 2:
        feats.append("advice_list")
    for p, sig in zip(probs, sigs, strict=True):
        if p >= 0.3:
            if sig.nabohjaelp:
                feats.append("nabohjaelp_advice")
            if sig.preventive_call:
                feats.append("preventive_call")
    if mx < 0.5:
        if any(s.vague for s in sigs):
            feats.append("vague_only")
        if any(s.witness for s in sigs):
            feats.append("witness_only")
        if any(s.forensics for s in sigs):
            feats.append("forensics_only")
    return feats
