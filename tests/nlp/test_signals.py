"""Rule signals: advice cues, witness appeals vs prevention calls, alarm wording, LIX, language."""

from __future__ import annotations

import pytest

from botrygt_nlp.domain import Language
from botrygt_nlp.nlp.pipeline import LemmaLookup, build_nlp
from botrygt_nlp.nlp.signals import alarm_matches, detect_language, looks_imperative, sentence_signals
from botrygt_nlp.nlp.text import process

NLP = build_nlp(LemmaLookup.full())


def first_signals(text: str):  # type: ignore[no-untyped-def]
    doc = process(NLP, text)
    return sentence_signals(doc.sentences[0])


@pytest.mark.parametrize(
    ("first", "lemma", "expected"),
    [
        ("lås", "låse", True),
        ("tøm", "tømme", True),
        ("undgå", "undgå", True),
        ("tyven", "tyv", False),
        ("bilen", "bil", False),
        ("klip", "klippe", True),
    ],
)
def test_imperative_forms(first: str, lemma: str, expected: bool) -> None:
    assert looks_imperative(first, lemma) is expected


def test_advice_signals() -> None:
    s = first_signals("Husk at låse terrassedøren, når du går i haven.")
    assert s.imperative and s.advice_phrase and s.addressee
    m = first_signals("Man bør altid tyverimærke sine ting.")
    assert m.modal
    inner = first_signals("Ser du en mistænkelig bil, så ring 114 med det samme.")
    assert inner.inner_imperative and inner.preventive_call and not inner.witness


def test_witness_appeal_is_not_a_prevention_call() -> None:
    s = first_signals("Politiet efterlyser vidner, der har set noget, og de kan ringe på 114.")
    assert s.witness
    assert not s.preventive_call


def test_narrative_sentence_is_not_imperative() -> None:
    s = first_signals("Tyvene brækkede et vindue op og stjal smykker.")
    assert not s.imperative and s.narrative_subject and s.past_tense >= 1


def test_alarm_matches_find_wording_with_offsets() -> None:
    text = "En indbrudsbølge hærger byen, og tyvene har en fest. Rekordmange anmeldelser."
    found = [m.text.lower() for m in alarm_matches(text)]
    assert {"indbrudsbølge", "hærger", "har en fest", "rekordmange"} <= set(found)
    for m in alarm_matches(text):
        assert text[m.start : m.end] == m.text
    assert alarm_matches("Der var tre indbrud i uge 12, det laveste niveau i ti år.") == []


def test_alarm_words_named_only_to_reject_them_are_not_matches() -> None:
    assert alarm_matches("Der er ingen indbrudsbølge i Greve, siger politiet.") == []
    assert alarm_matches("Det er ikke tale om en bølge af tyverier.") == []
    # The phrase itself may start with a negation word; that is the alarmist wording, not a rejection of it.
    assert [m.text for m in alarm_matches("Ingen er sikre i det kvarter.")] == ["Ingen er sikre"]


def test_a_country_named_as_a_fact_is_not_national_attribution() -> None:
    assert alarm_matches("Opkaldet kom fra et nummer i Litauen, oplyser banken.") == []
    assert [m.text for m in alarm_matches("Politiet mistænker to litauere for tyverierne.")] == ["litauere"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Henvendelse til politiet på 114.",
        "Har man set noget mistænkeligt, hører politiet gerne fra en på 114.",
        "Oplysninger til Sydøstjyllands Politi på 114.",
        "Politiet beder alle, der kan genkende manden, om at ringe 114.",
    ],
)
def test_witness_appeals_as_districts_word_them(sentence: str) -> None:
    s = first_signals(sentence)
    assert s.witness and not s.preventive_call


def test_lix_of_a_known_text() -> None:
    # 10 words, 2 sentences, 4 longer than six letters (Politiet, efterforsker, indbruddet, villaen).
    doc = process(NLP, "Politiet efterforsker indbruddet i villaen. Tyvene tog ikke noget med.")
    assert doc.n_words == 10
    assert doc.lix == pytest.approx(10 / 2 + 100 * 4 / 10)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Natten til tirsdag var der indbrud i en villa, og politiet efterlyser vidner til det.",
            Language.DANISH,
        ),
        (
            "Police say the burglars entered the house through a window and they are looking for witnesses.",
            Language.ENGLISH,
        ),
        ("Polisen söker vittnen efter inbrottet och det är inte första gången i år.", Language.OTHER_NORDIC),
    ],
)
def test_language_detection(text: str, lang: Language) -> None:
    doc = process(NLP, text)
    words = [w for s in doc.sentences for w in s.words]
    assert detect_language(words)[0] is lang


# --- Issue 13: witness appeals and alarmist framing as real press words them -------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # The district as subject, in reported speech and police prose.
        "Midt- og Vestjyllands Politi vil gerne høre fra alle, der har set noget på Kirkevej i nat.",
        "- Har nogen set bilen, hører vi gerne fra dem, siger vagtchefen.",
        "Politiet søger vidner til indbruddet på Algade.",
        # The number written as "1-1-4" or a local number.
        "Politiet beder eventuelle vidner om at kontakte dem på 1-1-4.",
        "Vidner kan henvende sig til Sydøstjyllands Politi på tlf. 76 11 14 48.",
        # An appeal folded into a condition.
        "Har man oplysninger om tyveriet, opfordrer politiet til, at man ringer på 114.",
        # Further victims of the same case.
        "Politiet vil gerne i kontakt med andre, der har været udsat for det samme.",
        "Er du også blevet ringet op af en falsk betjent, så kontakt politiet på 114.",
        # A missing person.
        "Politiet beder om offentlighedens hjælp til at finde en 16-årig pige, der er meldt savnet.",
    ],
)
def test_witness_appeals_as_the_press_words_them(sentence: str) -> None:
    s = first_signals(sentence)
    assert s.witness and not s.preventive_call


@pytest.mark.parametrize(
    "sentence",
    [
        # General prevention: watching in the present tense is not an appeal about a case.
        "Ring 114 hvis du ser noget mistænkeligt.",
        "Ring 114, hvis du ser noget mistænkeligt i dit område.",
        "Det er vigtigt, at du kontakter os, hvis du er vidne til et igangværende indbrud.",
        # A witness in the story, and a police officer with nothing to tell.
        "Et vidne så to mænd løbe fra stedet, og politiet kom kort efter.",
        "Han har ikke flere oplysninger om den anholdte, oplyser politiet.",
        # Page furniture and a statement that does not ask anyone.
        "Læs også: Politiet søger vidner efter indbrud i Vejen",
        "Udlevér aldrig oplysninger til personer, der ringer.",
        "Vi beder dig anmelde det til politiet, hvis du har været udsat for spoofing.",
    ],
)
def test_not_witness_appeals(sentence: str) -> None:
    assert not first_signals(sentence).witness


def test_ring_114_when_suspicious_stays_prevention() -> None:
    s = first_signals("Ring 114 hvis du ser noget mistænkeligt.")
    assert s.preventive_call and not s.witness and not s.witness_explicit


def test_an_explicit_appeal_is_marked_as_such() -> None:
    assert first_signals("Politiet søger vidner til indbruddet.").witness_explicit
    conditional = first_signals("Har du set noget, så ring til politiet på 114.")
    assert conditional.witness and not conditional.witness_explicit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Det er blevet tyvenes fest i villakvartererne.", "tyvenes fest"),
        ("Det vrimler med tyve i sommerhusområdet.", "Det vrimler med"),
        ("Tyvene har fået blod på tanden.", "blod på tanden"),
        ("Kvarteret er hårdt plaget af indbrud.", "hårdt plaget af"),
        ("Det er som en tsunami af indbrud.", "som en tsunami af"),
        ("Der kan ikke ændres ved det, siger formanden.", "kan ikke ændres ved"),
        ("Beboerne står magtesløse.", "magtesløse"),
        ("Det er omrejsende kriminelle, der står bag.", "omrejsende kriminelle"),
        ("Udenlandske tyvebander tømmer varebilerne.", "Udenlandske tyvebander"),
        ("To rumænske mænd blev anholdt i nat.", "rumænske mænd"),
        ("En østeuropæisk mand ringede på hos kvinden.", "østeuropæisk mand"),
        ("Tre mænd fra Rumænien stjal cyklerne.", "mænd fra Rumænien"),
    ],
)
def test_alarmist_framing_the_press_uses(text: str, expected: str) -> None:
    found = alarm_matches(text)
    assert [m.text for m in found] == [expected]
    assert found[0].strong
    assert all(text[m.start : m.end] == m.text for m in found)


@pytest.mark.parametrize(
    "text",
    [
        # A neutral police description of a wanted person.
        "Manden beskrives som østeuropæisk af udseende, ca. 180 cm høj og iført sort hættetrøje.",
        "Politiet efterlyser en rumænsk mand på 34 år i forbindelse med sagen.",
        "Signalement: ca. 30 år, 175 cm, slank, kort mørkt hår, grå jakke.",
        # Negated wording.
        "Byen har ikke været voldsomt hærget af indbrud i år.",
        "Kommunen er ikke ramt af nogen indbrudsbølge.",
        "Politiet afviser, at der er tale om en indbrudsbølge.",
        # A record with its baseline, and a record low.
        "Det er en tiårs rekord siden 2013.",
        "Der var rekordfå indbrud i sommerferien.",
        # A country or nationality named as a fact.
        "Bilen havde polske nummerplader.",
        "Opkaldet kom fra et nummer i Rumænien.",
    ],
)
def test_guarded_look_alikes_are_not_alarmist(text: str) -> None:
    assert alarm_matches(text) == []


def test_overlapping_alarm_phrases_make_one_match() -> None:
    found = alarm_matches("Det vrimler med tyve, og borgerne står magtesløse.")
    assert [m.text for m in found] == ["Det vrimler med", "magtesløse"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hele kvarteret lider under en indbrudsplage.", "indbrudsplage"),
        ("Svindlerne kaster sig over de ældre som gribbe.", "kaster sig over"),
        ("Parkeringspladsen er blevet tyvenes legeplads.", "tyvenes legeplads"),
        ("Beboerne føler sig som fanger i eget hjem.", "fanger i eget hjem"),
        ("Ingen er i sikkerhed for de nye svindelnumre.", "Ingen er i sikkerhed"),
        ("Tyvene ligger på lur ved rastepladsen.", "ligger på lur"),
    ],
)
def test_third_round_alarm_wording_is_strong(text: str, expected: str) -> None:
    found = alarm_matches(text)
    assert expected in [m.text for m in found]
    assert any(m.strong for m in found)


def test_third_round_weak_alarm_wording_is_only_evidence() -> None:
    found = alarm_matches("Tallene er foruroligende, siger formanden.")
    assert [m.text for m in found] == ["foruroligende"]
    assert not found[0].strong
    # Negated, it is no match at all.
    assert alarm_matches("Tallene er ikke foruroligende, siger formanden.") == []


@pytest.mark.parametrize(
    ("sentence", "flag"),
    [
        ("Det sikreste er at låse cyklen fast til et stativ.", "advice_phrase"),
        ("Politiet minder borgerne om at lukke vinduerne, når de går.", "exhort"),
        ("Banken kontakter dig aldrig for at få din adgangskode.", "never_rule"),
        ("Afvent altid, at banken selv ringer tilbage på det kendte nummer.", "imperative"),
        ("Man skal bruge sin sunde fornuft, lyder det fra politiet.", "vague"),
    ],
)
def test_third_round_advice_forms(sentence: str, flag: str) -> None:
    assert getattr(first_signals(sentence), flag)
