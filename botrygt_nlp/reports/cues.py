"""Line-level cues shared by the text, Markdown and HTML parsers.

They decide what may *not* start a new incident (advice sub-headings, witness appeals, list items, report
header lines) and where the report's footer begins. Kept in one place so the three formats agree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from botrygt_nlp.nlp.signals import crime_cue_matches

# The rewriter's own block markers (see botrygt_nlp.rewrite.markers); parsing treats the content between them
# as part of the incident above, so a rewritten report parses into the same incidents as the original.
ADVICE_START_RE = re.compile(r"<!--\s*botrygt:advice\b[^>]*-->|\[botrygt:advice [^\]\r\n]*\]")
ADVICE_END_RE = re.compile(r"<!--\s*/botrygt:advice\s*-->")

# Sub-headings that introduce advice inside an incident ("Undgå tyveri fra varebiler", "Gode råd", …).
_ADVICE_HEADING = re.compile(
    r"^\W*(undgå|sådan\b|gode råd|råd\b|politiets råd|det kan du gøre|gør (det )?svært|beskyt|pas på|"
    r"husk\b|tips?\b|forebyg)",
    re.IGNORECASE,
)
_WITNESS = re.compile(  # matched against the lower-cased line
    r"vidne|efterlys|ring (på )?(11[24]|tlf)|kontakt(e)? politiet|har du set|har du oplysninger|"
    r"hører gerne|tlf\.|telefon \d"
)
_LIST_ITEM = re.compile(r"^\s*(\d{1,2}[.)]|[-*•–])\s+")
_HEADER_LINE = re.compile(
    r"døgnrapport|døgnet\b|^\s*periode|politikreds|\bpoliti\s*$|^\s*(uddrag|udvalgte hændelser)|"
    r"^\s*(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\b[^.]*\d|^\s*\d{1,2}\.\s*\w+\s+\d{4}\s*$|"
    # Page and e-mail furniture above the first incident: "Opdateret 12.02.2025 kl. 09.02", "Emne: …",
    # greetings ("Hej alle", "Kære redaktion"), breadcrumbs ("Forside > Nyheder > Døgnrapporter").
    r"^\W*(publiceret|opdateret|senest opdateret|udgivet|offentliggjort)\b|"
    r"^\s*(fra|til|cc|sendt|emne|dato|from|to|sent|subject|date)\s*:|"
    r"^\s*(hej|hejsa|kære|goddag|godmorgen|god morgen)(\s+[\wæøå]+){0,3}\s*[,!]?\s*$"
)  # matched against the lower-cased line: case-insensitive alternations cost several times more
_CRUMB = re.compile(r"\s[>›»]\s")
_FOOTER = re.compile(
    r"^\s*(med venlig hilsen|venlig hilsen|mvh\b|vagtchef(en)?\s*$|døgnrapporten er|næste døgnrapport|"
    r"pressetelefon|kontakt pressen|©|copyright|del denne|læs også)",
    re.IGNORECASE,
)
# Page furniture that a pasted web page or a news article puts between or after incidents: share boxes,
# "Læs også" links, ad labels, related-news lists. Never an incident's last words, so advice is not put
# under them.
_JUNK = re.compile(
    r"^\W*(læs også|læs mere|se også|relaterede?( nyheder| artikler)?|mest læste|annonce|reklame|sponsoreret|"
    r"del( denne| artiklen| siden| på \w+| nyheden)?|print|udskriv|kopiér link|kopier link|tip os|"
    r"følg os|abonnér|abonner|tilmeld( dig)? nyhedsbrev|vis (mere|mindre|alle)|se mere|fold (ud|sammen)|"
    r"luk|læs hele (artiklen|døgnrapporten)|se alle( \w+){0,3})\W*$|^\s*(læs også|se også|læs mere)\s*:|"
    # Hashtag lines under social-media posts, and Markdown paragraphs that are only a link or an image.
    r"^\s*(#[\wæøåÆØÅ]+\s*)+$|^\s*!?\[[^\]]*\]\([^)]*\)\s*$",
    re.IGNORECASE,
)
# Labelled fact lines inside an incident ("Tidspunkt: …", "**Sted:**", <strong>Gerningssted</strong>):
# never a headline of their own.
_LABEL = re.compile(
    r"^\W*(tidspunkt|gerningstidspunkt|tid|dato|sted|gerningssted|adresse|lokation|område|by|hændelse|"
    r"hændelsestype|sagstype|kategori|journal\s*nr|journalnr|journalnummer|j\.\s*nr|anmeldt|anmelder|"
    r"status|kontakt|tyvekoster|stjålet|signalement|døgnrapport|politikreds|periode)\b\.?\s*(:|$)",
    re.IGNORECASE,
)


# Headings that name a part of an incident ("Signalement", "Opdatering kl. 12"), never a new incident.
_SUBHEADING = re.compile(
    r"^\W*(signalement|opdatering|baggrund|fakta|sagen\b|journal|gerningsm|tyvekoster|efterlysning|"
    r"anholdelse|billeder?\b|kort\b|video\b|kontakt\b)",
    re.IGNORECASE,
)


# Paragraphs that go on with the incident above them rather than start a new one, in a report without
# headlines: they open with a pronoun or a word that points back ("Tyven", "Politiet", "Bilen"), in lower
# case, or they are a witness appeal, advice or a list.
_CONTINUES = re.compile(
    r"^\W*(han|hun|de|den|det|der|denne|dette|disse|deres|hans|hendes|tyven|tyvene|tyvekosterne|"
    r"gerningsm\w*|politiet|sagen|ejeren|ejerne|manden|kvinden|drengen|pigen|bilen|cyklen|føreren|bilisten|"
    r"personen|personerne|begge|ingen|desuden|derudover|samtidig|bagefter|efterfølgende|senere|også|"
    r"endnu|imens|mens|men|og|da|så|ifølge|vagtchef\w*)\b",
    re.IGNORECASE,
)
_DOGNRAPPORT = re.compile(r"døgnrapport|døgnets hændelser|hændelser i døgnet", re.IGNORECASE)


# A paragraph that opens with a noun in the definite form points back ("Familien var på ferie", "Bilen blev
# fundet"); new incidents open with a time, a place or an indefinite noun ("Natten til …", "En bilist …").
_DEFINITE_FIRST = re.compile(r"^[A-ZÆØÅ][a-zæøå]{2,}(en|et|ene|erne|rne)\b")
_TIME_WORDS = re.compile(
    r"^(natten|morgenen|formiddagen|middagen|eftermiddagen|aftenen|weekenden|dagen|ugen|døgnet|perioden)\b", re.I
)
_QUOTE_FIRST = re.compile(r"^[–—\-»«\"„]")  # Danish quotes open with a dash or guillemets: a quote goes on


def continues_incident(paragraph: str) -> bool:
    """Whether a paragraph of a headline-less report belongs to the incident before it."""
    t = paragraph.replace("\u00a0", " ").strip()
    return (
        not t
        or t[0].islower()
        or bool(_QUOTE_FIRST.match(t))
        or (bool(_DEFINITE_FIRST.match(t)) and not _TIME_WORDS.match(t))
        or bool(_CONTINUES.match(t))
        or is_witness_line(t.split(".")[0])
        or is_advice_heading(t)
        or is_list_item(t)
        or bool(re.match(r"^\W*(politiet|vi)\s+(råder|anbefaler|opfordrer|minder om)", t, re.IGNORECASE))
    )


def names_daily_report(header: str) -> bool:
    """The header calls the text a døgnrapport: then every paragraph without a headline may be an incident."""
    return bool(_DOGNRAPPORT.search(header))


def can_be_incident_title(raw: str, title: str) -> bool:
    """Whether a heading (``raw`` as written, ``title`` cleaned) may start a new incident."""
    return not is_advice_heading(title) and _may_head_a_story(raw, title)


def may_head_own_story(raw: str, title: str) -> bool:
    """A warning headline ("Pas på falske håndværkere", "Advarsel: …", "Husk …", "Gode råd …") that could head
    a story of its own; whether it does is decided by its level and its body (:func:`tells_incident`)."""
    return is_warning_headline(title) and _may_head_a_story(raw, title)


# A headline that asks for witnesses about a named crime ("Vidner søges til indbrud i Tjørneby", "Politiet
# efterlyser vidner efter tyveri af bil") heads its story like any other; a witness line with a way to reach the
# police ("Ring 114, hvis du har set noget") or a sentence ending in a period is part of a story.
_WITNESS_HEADLINE = re.compile(
    r"^\W*(vidner?\s+(søges|efterlyses|eftersøges)|\w+\s+(politi\s+)?(efterlyser|søger)\s+vidner)\b"
)
_CONTACT = re.compile(r"\b(11[24]|1-1-4|ring\w*|kontakt\w*|tlf|telefon|henvend\w*)\b")


def _witness_headline(title: str) -> bool:
    low = title.replace("\u00a0", " ").strip().lower()
    return (
        bool(_WITNESS_HEADLINE.match(low))
        and not _CONTACT.search(low)
        and not low.endswith(".")
        and bool(_CRIME_TOLD.search(low))
    )


# A heading that gathers the rest of the report ("Kort nyt", "Øvrige hændelser"): it ends the incident above it
# whatever its level, so that incident's advice never lands inside the gathered items.
_SECTION_LABEL = re.compile(
    r"^\W*(kort nyt|kort fortalt|kort om|kort fra|andre hændelser|øvrige hændelser|flere hændelser|"
    r"også i (døgnet|nat)|i øvrigt|diverse|øvrige sager|andre sager|flere sager|øvrige anmeldelser|"
    r"andre anmeldelser|øvrige meldinger|andre meldinger)"
    # "… fra døgnet", "… fra weekenden", "… i nat": the period the gathered items are from.
    r"(\s+(fra|i|om|i løbet af)\s+(døgnet|weekenden|natten|nat|dagen|ugen|helligdagene|i går|\w+dagen))?\W*$",
    re.IGNORECASE,
)


def is_section_label(title: str) -> bool:
    return bool(_SECTION_LABEL.match(title.replace("\u00a0", " ").strip()))


def is_subheading(title: str) -> bool:
    """A label for a part of an incident ("Signalement", "Opdatering", "Tyvekoster"), never an incident."""
    return bool(_SUBHEADING.match(title))


def _may_head_a_story(raw: str, title: str) -> bool:
    return not (
        not title
        or (is_witness_line(title) and not _witness_headline(title))
        or is_list_item(title)
        or is_header_line(title)
        or is_footer_line(title)
        or is_junk_line(title)
        or is_label_line(raw)
        or is_label_line(title)
        or is_subheading(title)
        or introduces_something(raw)
    )


# A line ending in a colon usually introduces what follows ("Der blev stjålet følgende:", "Tyvekoster:").
# A headline may end in one too ("Indbrud i villa i Odense:"): a phrase of three or more words without a verb.
_INTRODUCING = re.compile(  # matched against the lower-cased line
    r"\b(følgende|nedenstående|bl\.\s?a\.|blandt andet|disse|dette|blev|bliver|var|er|har|havde|tog|stjal|"
    r"kan|skal|vil|bør|må|gælder|betyder|oplyser|siger|fortæller|lyder)\b"
)


def introduces_something(raw: str) -> bool:
    """A line that ends in a colon and introduces a list or a quote rather than naming an incident."""
    t = re.sub(r"[*_]", "", raw).rstrip()
    if not t.endswith(":"):
        return False
    return len(t.split()) < 3 or bool(_INTRODUCING.search(t.lower()))


def is_advice_heading(title: str) -> bool:
    return bool(_ADVICE_HEADING.search(title.strip()))


# Headlines that warn or remind ("Pas på falske håndværkere", "Advarsel: falske sms'er", "Husk at låse bilen",
# "Gode råd mod tricktyve"). Under one, a report either gives the advice of the incident above (a sub-heading)
# or tells a story of its own (a headline like any other): the body decides.
_WARNING_HEADLINE = re.compile(r"^\W*(pas på|advarsel|husk|gode råd)\b", re.IGNORECASE)
# What a told incident contains: a crime word and a verb in the past tense ("… blev stjålet", "… ringede …").
_CRIME_TOLD = re.compile(
    r"\b(stjal|stjålet|stjålne|stjæle|brød|brudt|indbrud\w*|tyveri\w*|tyv\w*|svindl\w*|bedrag\w*|snydt|"
    r"franarre\w*|lokket|udgav|udgive\w*|anmeld\w*|anholdt\w*|røveri\w*|røver\w*|overfald\w*|"
    # Phone and net fraud is told by what the victim lost or was made to do, often without "svindel".
    r"mistet|mistede|narret|narrede|afluret|overførsl\w*|overført\w*|godkendt\w*|godkende\w*|hævet|hævede|"
    # Trick theft is told by what went missing and who pretended ("forsvandt hendes pung", "de blev hentet").
    r"forsvandt|forsvundet|forsvundne|hentet|afhentet|hentede|foregav|fupmager\w*|"
    r"falsk\w* (?:politi\w*|håndværk\w*|vandværk\w*|bank\w*|rådgiver\w*|hjemmehjælp\w*|læge\w*))\b"
)
_PAST_TOLD = re.compile(
    r"\b(blev|var|fik|kom|havde|skete|opdagede|anmeldte|ringede|stjal|brød|tog|forsvandt|lykkedes|udgav|gik|"
    r"nåede|slap|fandt|så|kørte|købte|mødte|sendte|hørte|mistede|betalte|[a-zæøå]{3,}ede)\b"
)


def is_warning_headline(title: str) -> bool:
    return bool(_WARNING_HEADLINE.match(title.strip()))


def tips_for_another_crime(tips_title: str, incident_title: str) -> bool:
    """A tips heading about a crime the incident above is not about ("Gode råd mod lommetyveri" under
    "Biltyveri i Granløse"): the report's general advice, not that incident's, so it must neither make the
    incident constructive nor decide its crime type. Only when both headlines name their crime."""
    tips = {ct.coarse for ct, _span in crime_cue_matches(tips_title.lower())}
    told = {ct.coarse for ct, _span in crime_cue_matches(incident_title.lower())}
    return bool(tips) and bool(told) and not tips & told


def tells_incident(body: str) -> bool:
    """Whether a body tells what happened (a crime, in the past tense) rather than only giving advice: list
    items are tips or loot, so only the prose counts."""
    prose = " ".join(line for line in body.lower().splitlines() if line.strip() and not is_list_item(line))
    return bool(_CRIME_TOLD.search(prose)) and bool(_PAST_TOLD.search(prose))


# A paragraph of advice with its heading run in: the rewriter's short block ("Undgå indbrud: Sæt lys … Ring 114,
# hvis …") and hand-written ones like it. Known by its shape rather than by the model's score, so a publish-ready
# short block (no marker) still counts as advice on a rerun, whatever the model of the day makes of it.
_ADVICE_LEAD = re.compile(r"^\W*(undgå|gode råd|politiets råd)\b[^:.!?\n]{0,80}:\s", re.IGNORECASE)


def is_advice_paragraph(paragraph: str) -> bool:
    t = re.sub(r"\*\*|__", "", paragraph.replace("\u00a0", " ")).strip()  # "**Undgå indbrud:** …" too
    return "114" in t and bool(_ADVICE_LEAD.match(t))


def is_witness_line(line: str) -> bool:
    return bool(_WITNESS.search(line.lower()))


def is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line))


def without_list_marker(line: str) -> str:
    """``line`` without the "1." / "2)" / "-" / "•" that opens it as a list item."""
    return _LIST_ITEM.sub("", line, count=1)


# A weekend report's day headings ("LØRDAG", "**Søndag 17. marts**"): sections, never incidents.
_DAY_LINE = re.compile(
    r"^\W*(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)(\s+(den\s+)?\d{1,2}\.?(\s*[a-zæøå]+)?(\s+\d{4})?)?\W*$"
)


def is_day_line(line: str) -> bool:
    return bool(_DAY_LINE.match(line.replace("\u00a0", " ").strip().lower()))


def is_header_line(line: str) -> bool:
    t = line.strip()
    # Breadcrumbs: "Forside > Sydsjællands og Lolland-Falsters Politi > Nyheder".
    crumbs = len(_CRUMB.findall(t)) >= 2 and len(t) <= 200
    return bool(_HEADER_LINE.search(t.lower())) or crumbs or is_day_line(t)


def is_footer_line(line: str) -> bool:
    return bool(_FOOTER.search(line))


_SIGN_OFF = re.compile(
    r"^\W*(med venlig hilsen|venlig hilsen|mange hilsner|de bedste hilsner|bedste hilsner|mvh|vh|hilsen)\b[\s,.!]*$",
    re.IGNORECASE,
)


def is_sign_off(line: str) -> bool:
    """The closing of an e-mail ("Med venlig hilsen"): what follows is a signature, not an incident."""
    return bool(_SIGN_OFF.match(line.replace("\u00a0", " ")))


def is_junk_line(line: str) -> bool:
    """Share/"Læs også"/ad furniture: skipped inside incidents, never their last words."""
    return bool(_JUNK.search(line.replace("\u00a0", " ")))


def is_label_line(line: str) -> bool:
    """A labelled fact line ("Tidspunkt:", "Sted: Bøgevej") rather than a headline."""
    t = re.sub(r"[*_]", "", line.replace("\u00a0", " "))
    return bool(_LABEL.match(t))


# An incident's number in front of its headline ("## 1. Indbrud i villa", "<h2>2) Færdselsuheld</h2>"): a
# capital follows, where a date goes on in lower case ("1. maj").
_INCIDENT_NUMBER = re.compile(r"^\d{1,2}[.)]\s+(?=[A-ZÆØÅ])")


def clean_title(title: str) -> str:
    """Headline text without markup remnants and without an incident number, with normal spaces."""
    t = title.replace("\u00a0", " ").strip()
    t = re.sub(r"^#{1,6}\s+|\s+#+\s*$", "", t)
    t = re.sub(r"^(\*\*|__)(.*)\1:?$", r"\2", t)
    t = re.sub(r"\s+", " ", t).strip(" *_:")
    return _INCIDENT_NUMBER.sub("", t)


def normalise_for_analysis(text: str) -> str:
    """Text the analyzer sees: markers and Markdown emphasis removed, non-breaking spaces made plain."""
    t = ADVICE_START_RE.sub("", text)
    t = ADVICE_END_RE.sub("", t)
    t = re.sub(r"<!--.*?-->", "", t, flags=re.DOTALL)
    t = t.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n")
    t = re.sub(r"(\*\*|__)(.+?)\1", r"\2", t)
    t = re.sub(r"^#{1,6}\s+", "", t, flags=re.MULTILINE)
    return re.sub(r"[ \t]+", " ", t).strip()


def choose_incident_level(levels: Sequence[int], section_like: Sequence[bool]) -> int | None:
    """Which heading level marks incidents, given every candidate heading's level in document order.

    The top level used at least twice wins, except a level whose headings mostly sit directly above
    deeper ones ("## Indbrud" over "### Indbrud i villa i Ry") when a deeper level also repeats: that is a
    section level. A lone top-level ``# …`` first in the document is its title. Deeper levels are
    sub-headings inside incidents.
    """
    if not levels:
        return None
    counts = Counter(levels)
    order = sorted(counts)
    if len(order) > 1 and counts[order[0]] == 1 and levels[0] == order[0] == 1:
        order = order[1:]
    repeated = [lv for lv in order if counts[lv] >= 2]
    for lv in repeated:
        members = [i for i, level in enumerate(levels) if level == lv]
        sections = sum(1 for i in members if section_like[i])
        if sections * 2 >= len(members) and any(d > lv for d in repeated):
            continue
        return lv
    return repeated[0] if repeated else order[0]
