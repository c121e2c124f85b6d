"""Rule signals a person can check: advice cues, alarm wording, witness appeals, crime vocabulary, language.

They are evidence in their own right and features for the trained models (which decide, calibrated). All
phrase lists are searched once per text with :class:`PhraseIndex`; the few regexes left run only on
sentences that contain their trigger.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

from botrygt_nlp.domain import CrimeType, Language, Principle, Span
from botrygt_nlp.nlp import lexicon as lx
from botrygt_nlp.nlp.phrases import Mode, PhraseIndex, lower_same_length, starred
from botrygt_nlp.nlp.text import ProcessedText, Sentence


class Cue(StrEnum):
    ADVICE = "advice"
    VAGUE = "vague"
    WITNESS = "witness"  # what a witness has or who is sought; an appeal with a contact and an addressee
    APPEAL = "appeal"  # a witness appeal on its own ("søger vidner", "vil gerne høre fra")
    VICTIM = "victim"  # further victims of a case ("andre, der har været udsat for det samme")
    FORENSICS = "forensics"
    EXHORT = "exhort"
    NEVER_RULE = "never_rule"
    BOILERPLATE = "boilerplate"


_SentenceLabel = Cue | Principle
_SENTENCE_INDEX: PhraseIndex[_SentenceLabel] = PhraseIndex(
    [(p, Cue.ADVICE, Mode.PREFIX) for p in lx.ADVICE_PHRASES]
    + [(p, Cue.VAGUE, Mode.PREFIX) for p in lx.VAGUE_PHRASES]
    + [(p, Cue.WITNESS, Mode.PREFIX) for p in lx.WITNESS_PHRASES]
    + [(p, Cue.APPEAL, Mode.PREFIX) for p in lx.WITNESS_APPEAL_PHRASES]
    + [(p, Cue.VICTIM, Mode.PREFIX) for p in lx.WITNESS_VICTIM_PHRASES]
    + [(p, Cue.FORENSICS, Mode.PREFIX) for p in lx.FORENSICS_PHRASES]
    + [(p, Cue.EXHORT, Mode.PREFIX) for p in lx.EXHORT_PHRASES]
    + [(p, Cue.NEVER_RULE, Mode.PREFIX) for p in lx.NEVER_RULE_PHRASES]
    + [(p, Cue.BOILERPLATE, mode) for p, mode in starred(lx.BOILERPLATE_PHRASES)]
    + [(c, principle, Mode.PREFIX) for principle, cues in lx.PRINCIPLE_CUES.items() for c in cues]
)
_ALARM_INDEX: PhraseIndex[str] = PhraseIndex(
    [(p, "alarm", mode) for p, mode in starred(lx.ALARM_PHRASES)]
    + [(p, "strong", mode) for p, mode in starred(lx.ALARM_STRONG_PHRASES)]
    + [(p, "nation", Mode.PREFIX) for p in lx.NATIONALITY_PHRASES]
)
# Danish compounds put the telling part last ("ladcykel", "villaindbrud"): long cues match inside words.
_CRIME_INDEX: PhraseIndex[CrimeType] = PhraseIndex(
    (cue, ct, Mode.INFIX if len(cue) >= 5 and " " not in cue else Mode.PREFIX)
    for ct, cues in lx.CRIME_CUES.items()
    for cue in cues
)
_THEFT_INDEX: PhraseIndex[str] = PhraseIndex((c, "theft", Mode.PREFIX) for c in lx.GENERIC_THEFT_CUES)

_CONTACT_RE = re.compile(
    r"114|1-1-4|\bpoliti|\btlf|\btelefon|\bring|kontakt|henvend|\btip|\bmelde sig|\bmeld dig|\bgive? besked|\banmeld"
    r"|\d\d ?\d\d ?\d\d ?\d\d"
)
# A number to call, written as police and press write it ("114", "1-1-4", "tlf. 72 58 14 48").
_APPEAL_NUMBER_RE = re.compile(r"(?<![\d-])(?:114|1-1-4|\d\d ?\d\d ?\d\d ?\d\d)(?![\d-])")
# Words that turn a witness phrase into a request to someone: the reader, anyone, a condition, a polite passive.
_APPEAL_ADDRESSEES = frozenset(
    "du dig man nogen enhver eventuelle borgere borgerne jer bedes bes beder opfordrer opfordres opfordring "
    "efterlyser gerne hvis".split()
)
# In a sentence with a negation ("vil ikke sige, om man ved, hvem …") only an explicit request makes an appeal.
_NEGATIONS = frozenset(["ikke", "ingen", "intet", "aldrig"])
_REQUESTS = frozenset("bedes bes beder opfordrer opfordres efterlyser hvis".split())
# Further victims are asked about one case, not about fraud in general ("hvis du har været udsat for spoofing").
_SAME_CASE_RE = re.compile(
    r"\bsamme\b|lignende|\bandre\b|\bflere\b|\bogså\b|\bsag(?:en|erne)\b|\b(?:ham|hende|dem)\b|\bi området\b"
    r"|\bsiden\b|\b(?:man|tirs|ons|tors|fre|lør|søn)dag|\bi nat\b|\bkl\."
)
# "Ring 114, hvis du ser noget mistænkeligt": watching in the present tense is prevention, not an appeal about a
# case, unless the sentence also asks about something that happened (perfect tense, "sagen", "tyveriet" …).
_GENERAL_WATCH_RE = re.compile(
    r"(?:hvis|når)\s+(?:du|man|i)\s+(?:selv\s+)?(?:ser|oplever|bemærker|hører|møder|er vidne til|får øje på)"
    r"|\b(?:ser|oplever|bemærker|hører)\s+(?:du|man)\b"
)
_CASE_RE = re.compile(
    r"\bhar\s+(?:\w+\s+){0,3}?(?:set|hørt|bemærket|lagt mærke|observeret|oplysninger|optagelser|viden|video)"
    r"|kan have|\bsag(?:en|erne)\b|indbruddet|indbruddene|tyveriet|tyverierne|episoden|hændelsen|eftersøgt"
    r"|efterlyst|savnet|stjålne"
)
_MODAL_SUBJECTS = frozenset(
    "du man i vi borgerne alle folk beboerne ejere bilister cyklister håndværkere sommerhusejere ældre "
    "forældre virksomheder butikkerne".split()
)
_MODALS = frozenset(["bør", "skal", "kan", "må", "burde", "skulle", "opfordres", "anbefales", "rådes"])
_PREVENTIVE_CALL_RE = re.compile(
    r"(?:ring|kontakt|tilkald|alarmer)\w*\s+(?:gerne\s+|straks\s+|altid\s+)?(?:til\s+)?(?:politiet\s+)?"
    r"(?:på\s+)?11[42].{0,60}?(?:hvis|når|ser|mistænk)|(?:hvis|når)\s+(?:du|man|i)\s+(?:ser|oplever|"
    r"bemærker|hører).{0,80}?11[42]|(?:ser|oplever|bemærker|hører|møder)\s+(?:du|man|i)\b.{0,80}?11[42]"
    r"|mistænk\w*.{0,80}?11[42]"
)
_PHONE_RE = re.compile(r"(?<!\d)11[42](?!\d)")


@dataclass(frozen=True, slots=True)
class SentenceSignals:
    imperative: bool
    advice_phrase: bool
    modal: bool
    addressee: bool
    preventive_call: bool
    phone: bool
    nabohjaelp: bool
    vague: bool
    witness: bool
    forensics: bool
    question: bool
    negated: bool
    narrative_subject: bool
    past_tense: int
    inner_imperative: bool
    principle_hits: tuple[Principle, ...]
    exhort: bool = False  # a verb of recommending or warning ("opfordrer … til at", "råder", "advarer mod")
    never_rule: bool = False  # a protective rule stated as a fact ("banken ringer aldrig …")
    boilerplate: bool = False  # page furniture left by scraping ("Læs også", "Foto:", subscription teasers)
    reported: bool = False  # closes with a verb of saying ("…, siger vagtchefen"): someone's words, reported
    # A witness appeal worded as one on its own ("søger vidner", "vil gerne høre fra"); a document feature only.
    witness_explicit: bool = False

    def names(self) -> list[str]:
        out = [name for name in _FLAG_NAMES if getattr(self, name)]
        out.append("past=" + ("0" if self.past_tense == 0 else "1" if self.past_tense == 1 else "2+"))
        out.extend("cue_" + p.value for p in self.principle_hits)
        return out


_FLAG_NAMES = (
    "imperative",
    "advice_phrase",
    "modal",
    "addressee",
    "preventive_call",
    "phone",
    "nabohjaelp",
    "vague",
    "witness",
    "forensics",
    "question",
    "negated",
    "narrative_subject",
    "inner_imperative",
    "exhort",
    "never_rule",
    "boilerplate",
    "reported",
)


def looks_imperative(first: str, first_lemma: str) -> bool:
    """Danish imperative = the verb stem: 'lås' (låse), 'tøm' (tømme), 'undgå' (undgå)."""
    if first in lx.IMPERATIVES:
        return True
    if first_lemma != first and first_lemma.endswith("e") and first_lemma.startswith(first):
        return len(first_lemma) - len(first) <= 2 and len(first) >= 2
    return False


_INNER_TRIGGERS = frozenset({"så", "og", "men", "derfor", "eller"})


def _inner_imperative(words: list[str], lower: str) -> bool:
    """An imperative after 'så', ':' or a comma: "Ser du noget, så ring 114", "Rådet lyder: Tøm bilen"."""
    for i in range(1, len(words)):
        if words[i] in lx.IMPERATIVES and words[i - 1] in _INNER_TRIGGERS:
            return True
    pos = lower.find(": ")
    if pos >= 0:
        rest = lower[pos + 2 :].lstrip("»«\"'- ").split(" ", 1)[0]
        return rest in lx.IMPERATIVES
    return False


def _past_tense_count(words: list[str]) -> int:
    n = 0
    for w in words:
        if w in lx.PAST_FORMS or (len(w) > 4 and (w.endswith("ede") or w.endswith("ete"))):
            n += 1
    return n


def _modal(words: list[str]) -> bool:
    """'du/man/borgerne … bør/kan/skal' or 'bør du/man': a recommendation addressed to people."""
    for a, b in itertools.pairwise(words):
        if (a in _MODAL_SUBJECTS and b in _MODALS) or (a in ("bør", "burde") and b in ("du", "man", "i", "alle")):
            return True
    return False


def witness_sentence(low: str, words: list[str], labels: set[_SentenceLabel]) -> bool:
    """A witness appeal: an appeal phrase, or a witness phrase with a way to reach the police and someone asked
    (or a number to call); never a general "ring 114, hvis du ser noget mistænkeligt"."""
    if Cue.BOILERPLATE in labels:  # "Læs også: Politiet søger vidner …", "Tip os: har du været udsat for …"
        return False
    if Cue.APPEAL in labels:
        found = True
    elif (Cue.WITNESS in labels or Cue.VICTIM in labels) and _CONTACT_RE.search(low):
        if _NEGATIONS.isdisjoint(words):
            asked = not _APPEAL_ADDRESSEES.isdisjoint(words) or bool(_APPEAL_NUMBER_RE.search(low))
        else:
            asked = not _REQUESTS.isdisjoint(words)
        found = asked and (Cue.WITNESS in labels or bool(_SAME_CASE_RE.search(low)))
    else:
        return False
    return found and not (_GENERAL_WATCH_RE.search(low) and not _CASE_RE.search(low))


def sentence_signals(s: Sentence, labels: set[_SentenceLabel] | None = None) -> SentenceSignals:
    """Signals of one sentence; ``labels`` are its phrase hits when the caller searched the whole text."""
    low = s.lower
    words = s.words
    if labels is None:
        labels = {h.label for h in _SENTENCE_INDEX.find(low)}
    has_phone = "11" in low and bool(_PHONE_RE.search(low))
    witness = witness_sentence(low, words, labels)
    return SentenceSignals(
        imperative=looks_imperative(s.first, s.first_lemma),
        advice_phrase=Cue.ADVICE in labels,
        modal=_modal(words),
        addressee=any(w in lx.ADDRESSEES for w in words if w != "i") or " I " in s.text,
        preventive_call=has_phone and not witness and bool(_PREVENTIVE_CALL_RE.search(low)),
        phone=has_phone,
        nabohjaelp="nabohjælp" in low or "nabohjaelp" in low,
        vague=Cue.VAGUE in labels,
        witness=witness,
        forensics=Cue.FORENSICS in labels,
        question=low.rstrip().endswith("?"),
        negated="ikke" in words or "aldrig" in words,
        narrative_subject=s.first in lx.NARRATIVE_SUBJECTS,
        past_tense=_past_tense_count(words),
        inner_imperative=_inner_imperative(words, low),
        principle_hits=tuple(p for p in Principle if p in labels),
        exhort=Cue.EXHORT in labels,
        never_rule=Cue.NEVER_RULE in labels,
        boilerplate=Cue.BOILERPLATE in labels,
        reported=not lx.SPEECH_VERBS.isdisjoint(words[-6:]),
        witness_explicit=witness and Cue.APPEAL in labels,
    )


def document_signals(doc: ProcessedText) -> list[SentenceSignals]:
    """Signals for every sentence, searching the phrase lists once over the whole text."""
    lowered = lower_same_length(doc.text)
    starts = [s.start for s in doc.sentences]
    per_sentence: list[set[_SentenceLabel]] = [set() for _ in doc.sentences]
    for hit in _SENTENCE_INDEX.find(lowered):
        k = bisect.bisect_right(starts, hit.start) - 1
        if k >= 0 and hit.start < doc.sentences[k].end:
            per_sentence[k].add(hit.label)
    return [sentence_signals(s, labels) for s, labels in zip(doc.sentences, per_sentence, strict=True)]


@dataclass(frozen=True, slots=True)
class AlarmMatch(Span):
    strong: bool = False  # unmistakably alarmist by the rubric (see lexicon.ALARM_STRONG_PHRASES)


# "Der er ingen indbrudsbølge", "det er ikke tale om en bølge", "ikke voldsomt hærget", "ikke ramt af nogen
# bølge", "aldrig været plaget": the word is named only to reject the framing.
_ALARM_NEGATED_BEFORE = re.compile(
    r"(?:\bingen(?:\s+grund\s+til(?:\s+at)?)?|\bintet|\blangtfra(?:\s+\w+){0,3}|\bafvis\w*[^.]{0,30}tale\s+om(?:\s+(?:en|et|nogen))?|\bikke(?:\s+\w+){0,3}\s+(?:nogen|en|et)"
    r"|\bikke(?:\s+(?:tale\s+om|så|særlig|særligt|voldsomt|specielt|synderligt|ligefrem|just|helt|længere|mere|"
    r"decideret|direkte|blevet|været|er|var|bliver|har|haft|hårdt|ramt\s+af|plaget\s+af)){0,3}"
    r"|\baldrig(?:\s+(?:været|blevet|er|var))?)\s+$"
)
# National attribution inside a police description of a wanted person is a description, not framing.
_DESCRIPTION_RE = re.compile(
    r"beskr[ei]v|signalement|iført|klædt i|påklædning|\d\s*(?:cm|centimeter)\b|efterlys|eftersøg"
    r"|(?:kraftig|spinkel|slank|normal|almindelig|muskuløs|tynd)\s+bygning"
)
# A record with its baseline ("tiårs rekord", "flest siden 2013") or a record low is a measure, not alarm.
_BASELINE_RE = re.compile(
    r"siden\s+(?:19|20)\d\d|tiår|årti|\b\d+\s+år\b|sammenlignet med|end\s+(?:i|sidste|året)|målingerne|opgørelse"
)
_RECORD_LOW = ("rekordlav", "rekordfå", "rekordlille", "rekordlidt", "rekordfærre")


def _sentence_around(low: str, start: int, end: int) -> str:
    """The sentence (roughly: between full stops or line breaks) that holds ``low[start:end]``."""
    left = max(low.rfind(". ", 0, start), low.rfind("\n", 0, start), low.rfind("? ", 0, start))
    stops = [i for i in (low.find(". ", end), low.find("\n", end)) if i >= 0]
    return low[left + 1 : min(stops) if stops else len(low)]


def _guarded(low: str, start: int, end: int, label: str) -> bool:
    """Alarm wording that its sentence takes back: a police description, a record with its baseline."""
    if label == "nation":
        return bool(_DESCRIPTION_RE.search(_sentence_around(low, start, end)))
    word = low[start:end]
    if "rekord" in word:
        return word.startswith(_RECORD_LOW) or bool(_BASELINE_RE.search(_sentence_around(low, start, end)))
    return False


def alarm_matches(text: str, lowered: str | None = None) -> list[AlarmMatch]:
    """Alarmist wording, one match per place; ``lowered`` (``lower_same_length(text)``) may be passed.

    A phrase right after a negation ("ingen", "ikke tale om en") is not a match, nor national attribution in a
    police description of a wanted person, nor a record with its baseline. Overlapping phrases ("det vrimler
    med" and "vrimler med") make one match.
    """
    low = lower_same_length(text) if lowered is None else lowered
    out: list[AlarmMatch] = []
    for h in _ALARM_INDEX.find(low):  # sorted by start
        if _ALARM_NEGATED_BEFORE.search(low, max(0, h.start - 60), h.start) or _guarded(low, h.start, h.end, h.label):
            continue
        strong = h.label != "alarm"
        last = out[-1] if out else None
        if last is not None and h.start < last.end:
            if h.end > last.end or (strong and not last.strong):
                end = max(h.end, last.end)
                out[-1] = AlarmMatch(last.start, end, text[last.start : end], strong or last.strong)
            continue
        out.append(AlarmMatch(h.start, h.end, text[h.start : h.end], strong))
    return out


def crime_cue_matches(text: str, lowered: str | None = None) -> list[tuple[CrimeType, Span]]:
    low = lower_same_length(text) if lowered is None else lowered
    return [(h.label, Span(h.start, h.end, text[h.start : h.end])) for h in _CRIME_INDEX.find(low)]


def generic_theft_count(text: str, lowered: str | None = None) -> int:
    return len(_THEFT_INDEX.find(lower_same_length(text) if lowered is None else lowered))


# Robbery, assault and extortion: violence or threats to take something (out of Bo trygt's scope even when money
# is taken, see AUTHORING.md; sextortion is extortion, and fraud advice about codes and links does not fit it).
# "prøver" must not read as "røver".
_ROBBERY_RE = re.compile(
    r"(?<![a-zæøå])(?:\w*røveri\w*|røver(?:e|en|ne|nes)?|røvede|\w*overfald\w*|gaderøv\w*|\w*afpres\w*|"
    r"sextortion\w*)(?![a-zæøå])"
    r"|truede\b.{0,60}?\b(?:kniv|pistol|våben|skydevåben|balltræ)|under trussel|slog\b.{0,30}?\bned\b"
)
_THEFT_FRAMING_RE = re.compile(
    r"indbrud|tyveri|(?<![a-zæøå])tyv(?:e|en|ene)?(?![a-zæøå])|lommetyv|tasketyv|tricktyv|butikstyv|svindel|"
    r"svindl|bedrag|phishing|snyd"
)
LEAD_SENTENCES = 2


def robbery_lead(doc: ProcessedText) -> Span | None:
    """The robbery or assault word that heads the text ("Røveri i kiosk …", "Overfald ved Banegården"), when its
    headline and lead (first sentences) name no burglary, theft or fraud: the text is about the violence.

    The span is an offset into the body; a word found in the title gives an empty span at 0 with that word.
    """
    lead_end = doc.sentences[LEAD_SENTENCES - 1].end if len(doc.sentences) >= LEAD_SENTENCES else len(doc.text)
    title, lead = lower_same_length(doc.title), lower_same_length(doc.text[:lead_end])
    found = _ROBBERY_RE.search(title) or _ROBBERY_RE.search(lead)
    if found is None or _THEFT_FRAMING_RE.search(_ROBBERY_RE.sub(" ", title + "\n" + lead)):
        return None
    if found.string is lead:
        return Span(found.start(), found.end(), doc.text[found.start() : found.end()])
    return Span(0, 0, doc.title[found.start() : found.end()])


# Fraud against the state or a public fund ("socialt bedrageri", "momssvindel", "snyd med hjælpepakker"): out of
# Bo trygt's scope, which is fraud against ordinary people and businesses. Phishing in the name of an authority
# ("falsk sms fra Skattestyrelsen") is in scope: its victims are ordinary people, and it says so in its lead.
_STATE_FRAUD_RE = re.compile(
    r"socialt? bedrageri|socialbedrageri|\w*momssvindel\w*|moms-svindel|skattesvindel|skatteunddragelse|"
    r"(?:svindel|snyd|bedrageri) med (?:sociale |offentlige )?(?:ydelser|hjælpepakker|lønkompensation|su\b|"
    r"kontanthjælp|dagpenge|boligstøtte|tilskud)|"
    r"(?:snydt|svindlet|bedraget|snyder|svindler) (?:det offentlige|kommunen|staten|skat(?:tevæsenet)?)\b|"
    r"uberettiget (?:modtaget|fået udbetalt)|fiktiv(?:e)? (?:adresse|ansættelse|lønninger)|"
    r"enlig forsørger-?(?:ydelse|tillæg|svindel)|proforma-?skilsmisse"
)
_PEOPLE_AS_VICTIMS_RE = re.compile(
    r"udgav sig|udgiver sig|udgive sig|\bsms\w*|\bmail\w*|e-mail|\blink\w*|phishing|opkald|ringet op|"
    r"ringede til|mitid|nemid|pensionist\w*|ældre|borgere|kunder"
)


def state_fraud_lead(doc: ProcessedText) -> Span | None:
    """Fraud against the state or a public fund named in the headline or lead, when the lead names no ordinary
    person as its victim (see :func:`robbery_lead` for the offsets of the span)."""
    lead_end = doc.sentences[LEAD_SENTENCES - 1].end if len(doc.sentences) >= LEAD_SENTENCES else len(doc.text)
    title, lead = lower_same_length(doc.title), lower_same_length(doc.text[:lead_end])
    found = _STATE_FRAUD_RE.search(title) or _STATE_FRAUD_RE.search(lead)
    if found is None or _PEOPLE_AS_VICTIMS_RE.search(title + "\n" + lead):
        return None
    if found.string is lead:
        return Span(found.start(), found.end(), doc.text[found.start() : found.end()])
    return Span(0, 0, doc.title[found.start() : found.end()])


def detect_language(words: list[str]) -> tuple[Language, float]:
    """Function-word vote over lowercased words. Returns the language and the Danish share of votes."""
    da = en = sv = no = 0
    for w in words[:600]:
        if w in lx.DANISH_FUNCTION_WORDS:
            da += 1
        if w in lx.ENGLISH_FUNCTION_WORDS:
            en += 1
        if w in lx.SWEDISH_MARKERS:
            sv += 1
        if w in lx.NORWEGIAN_MARKERS:
            no += 1
    total = da + en + sv + no
    if total < 3:
        return Language.UNKNOWN, 0.0
    share = da / total
    if en > da:
        return Language.ENGLISH, share
    if sv + no > da * 0.6 and sv + no >= 3:
        return Language.OTHER_NORDIC, share
    return Language.DANISH, share
