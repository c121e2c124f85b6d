"""Danish word lists behind the rule signals. Written by the team from the domain guide's vocabulary.

Everything is lowercase. Patterns are matched against lowercased sentence text, so they also hold at the
start of a sentence ("Husk …"), where the case-sensitive lemma table would miss.
"""

from __future__ import annotations

from botrygt_nlp.domain import CrimeType, Principle

# Word lists stay in compact, hand-arranged lines.
# fmt: off

# Abbreviations that the tokenizer splits from their period ("journalnr" + ".") or that keep it; a period
# after one of these does not end a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    """
    kl nr jf journalnr j.nr tlf ca bl.a f.eks fx pga evt inkl ang dvs hhv vedr mht st th tv lok gl hr fr
    frk dr prof stk pkt kr mio mia jan feb febr mar apr jun jul aug sep sept okt nov dec man tirs ons tors
    fre lør søn d ds dags vej vejl ml mm cm km t min sek adr att afd alm anm bd ekskl el etc f gr hf jr
    kap kbh lb lic ltd m mag nord syd øst vest obs o.l osv mv m.v m.m m.fl mfl pct prc red resp sdr sr
    tilsv ult vs årg ekstr p.t p.g.a s skt sct ndr nr. tlf. a b c e g h i j k l n o p q r u v w x y z æ ø å
    """.split()
)

# Abbreviations that often close a sentence ("… cykler, knallerter osv. Politiet …").
SENTENCE_FINAL_ABBREVIATIONS: frozenset[str] = frozenset({"osv.", "mv.", "m.v.", "m.m.", "etc.", "m.fl.", "mfl."})

MONTHS: frozenset[str] = frozenset(
    """januar februar marts april maj juni juli august september oktober november december
    jan. feb. mar. apr. jun. jul. aug. sep. sept. okt. nov. dec.""".split()
)

# Imperative forms that open advice sentences. The lemma rule ("lemma == form + e") finds most others.
IMPERATIVES: frozenset[str] = frozenset(
    """
    husk sørg undgå lås luk tænd sluk gem skjul tøm tag hold lad brug sæt fjern meld tal få mærk køb klik
    del giv bed læg spær kontakt vær installer installér monter montér opbevar klip hils aftal tilmeld
    overvej sikr sikre anskaf registrer registrér skriv tjek check ring parker parkér pas se kig notér noter
    fotografér fotografer afmonter afmontér lås tilkald anmeld smæk bliv vent stol spørg sig svar
    ignorer ignorér slet åbn følg lav skift vælg investér investér beskyt find aflås afbryd indstil
    slå flyt placer placér opsæt sæt inviter invitér lær vis gør prøv mød sov sørge begræns betal
    overfør opret skærm dæk trim ryd bær stil afvis undlad kræv hæv nægt oplys hent bestil
    """.split()
)

# Subjects that open a narrative sentence about the offender or the case, not advice to the reader.
NARRATIVE_SUBJECTS: frozenset[str] = frozenset(
    """tyven tyvene gerningsmanden gerningsmændene gerningsmand de han hun manden kvinden mændene
    svindleren svindlerne bedrageren bedragerne tricktyven tricktyvene lommetyvene lommetyven
    indbrudstyvene indbrudstyven ejeren ejerne familien naboen beboeren beboerne anmelderen
    forurettede patruljen betjentene vidnet vidner personerne den det der""".split()
)

# Frequent past-tense forms of strong verbs (weak verbs are caught by their -ede/-te ending).
PAST_FORMS: frozenset[str] = frozenset(
    """var blev havde kom tog stjal brød fik gik så sagde sad lå stod løb kørte slap fandt tog gav
    forsvandt fandt skete opdagede anmeldte""".split()
)

# Second-person and generic addressees: advice speaks to the reader.
ADDRESSEES: frozenset[str] = frozenset({"du", "dig", "din", "dit", "dine", "man", "jer", "jeres", "i"})

# Phrases that frame what follows as a recommendation to the reader.
ADVICE_PHRASES: tuple[str, ...] = (
    "husk at", "husk også", "sørg for", "undgå at", "det er en god idé", "det er en god ide",
    "det anbefales", "vi anbefaler", "politiet anbefaler", "anbefaler politiet", "anbefaler vi",
    "politiet opfordrer", "opfordrer politiet", "opfordrer borgerne", "opfordrer alle", "opfordringen lyder",
    "gode råd", "godt råd", "et råd", "rådet lyder", "rådene lyder", "politiets råd", "her er", "sådan undgår",
    "sådan sikrer", "sådan beskytter", "det kan du gøre", "kan du gøre", "du kan", "du bør", "du skal",
    "man bør", "man kan", "man skal", "man skal aldrig", "bør man", "kan man", "skal man", "bør du",
    "kan du", "skal du", "hellere ét opkald for meget", "hellere et opkald for meget", "læs mere",
    "se mere", "tips", "tip:", "råd:", "pas på", "vær opmærksom på", "vær på vagt", "tøv ikke",
    "ring 114", "ring til politiet på 114", "kontakt politiet på 114", "ring 112", "nabohjælp",
    "tyverimærk", "læg på", "smæk røret på", "smækrøretpå", "er det en god idé", "er det en god ide",
    "god idé at", "god ide at", "en god idé", "det betaler sig", "det er helt i orden at", "det er i orden at",
    "det kan betale sig", "det er klogt at", "det er smart at", "det gælder om at", "det vigtigste er at",
    "vi vil gerne minde om", "vi minder om", "opfordres til at", "rådes til at", "anbefales at", "sørge for",
    "overvej at", "tænk over", "så læg på", "så ring", "bare læg på",
)

# Vague appeals that promise nothing concrete (hard negatives when they stand alone).
VAGUE_PHRASES: tuple[str, ...] = (
    "sikre sig bedst muligt", "sikre sig bedst", "være opmærksomme", "være opmærksom", "være på vagt",
    "holde øjnene åbne", "have øjnene åbne", "passe godt på", "passe på sig selv", "tage sine forholdsregler",
    "tage forholdsregler",
)

# Recommendations reported by the press ("Politiet opfordrer håndværkerne til at …", "Han råder borgerne til
# at …", "MobilePay advarer mod at …"): the verb that carries advice in reported speech.
EXHORT_PHRASES: tuple[str, ...] = (
    "opfordrer", "opfordrede", "opfordring", "opfordres", "råder", "rådede", "rådgiver", "anbefaler",
    "anbefalede", "anbefaling", "advarer", "advarede", "advarsel", "minder om", "lyder rådet", "lyder opfordringen",
    "er budskabet", "budskabet er", "lyder budskabet", "beder folk", "beder borgerne", "beder alle", "beder ældre",
    "beder forældre", "beder brugerne", "beder kunderne", "beder bilister", "beder cyklister", "beder beboerne",
)

# Protective rules stated as facts: "En rigtig bank beder aldrig om dine koder", "Politiet ringer aldrig …".
NEVER_RULE_PHRASES: tuple[str, ...] = (
    "ringer aldrig", "beder aldrig", "sender aldrig", "kommer aldrig", "spørger aldrig", "skriver aldrig",
    "henvender sig aldrig", "vil aldrig", "aldrig bede om", "aldrig ringe", "må aldrig", "aldrig give",
    "aldrig oplyse", "aldrig udlevere", "aldrig dele", "aldrig videregive", "aldrig gives", "skal aldrig",
    "bør aldrig", "ender altid på", "aldrig om din", "aldrig om dine",
)

# Page furniture that scraping leaves in article text: never something a reader is told to do about crime.
# A leading "*" lets the phrase match inside a word ("Digital Plus-abonnement").
BOILERPLATE_PHRASES: tuple[str, ...] = (
    "læs også", "se også:", "lyt til artiklen", "artiklen fortsætter", "send til en ven", "gå til indhold",
    "gå til hovedindhold", "spring til indhold", "søgeforslag", "luk søgefeltet", "se billedserie",
    "del artiklen", "del på facebook", "rapportér dette indhold", "allerede abonnent", "*abonnement",
    "foto:", "arkivfoto", "privatfoto", "tillad alle", "klik på boksen", "fortæl os din historie",
    "skriv til os", "tip os", "send os en besked", "har du et tip", "kontakt redaktionen", "modtagers mailadresse",
    "nyheder i overblik", "artikel topbillede", "*cookie", "log ind for at", "køb nu",
)

# Verbs of saying that close a quote ("…, siger vagtchef Ole Hansen."): the sentence reports someone's words.
SPEECH_VERBS: frozenset[str] = frozenset(
    "siger sagde fortæller fortalte forklarer forklarede mener tilføjer tilføjede understreger understregede "
    "oplyser oplyste skriver skrev slutter lyder vurderer vurderede uddyber påpeger".split()
)

# Witness appeals: help the investigation, not the reader.
WITNESS_PHRASES: tuple[str, ...] = (
    "vidne", "vidner", "efterlyser", "hører gerne fra", "høre fra", "har set noget", "har du set",
    "har nogen set", "har du oplysninger", "oplysninger om", "oplysninger i sagen", "kan have set",
    "har bemærket", "mistænkelige iagttagelser", "iagttagelser", "bedes kontakte", "bedes henvende",
    "bedes ringe", "henvende sig til politiet", "kontakte politiet på", "ring til politiet på",
    "opfordres til at kontakte", "bes kontakte", "tip politiet", "journalnr", "j.nr",
    # Past- or present-tense reach-outs as police districts word them ("Henvendelse til politiet på 114",
    # "Har man set noget, hører politiet gerne fra en", "beder alle, der kan genkende manden, om at ringe").
    "hører politiet gerne", "hører politiet meget gerne", "vil gerne høre fra", "gerne i kontakt med",
    "henvendelse til", "henvendelse på", "henvendelser til", "oplysninger til", "oplysninger kan",
    "har man set", "har man hørt", "har man mødt", "har man bemærket", "har du hørt", "har du mødt",
    "har nogen hørt", "der har set", "der har hørt", "som har set", "som har hørt", "kan genkende",
    "genkender du", "genkender man", "kender du", "tips kan", "tips til politiet",
)

# Instructions to victims about forensics: not prevention.
FORENSICS_PHRASES: tuple[str, ...] = (
    "rør ikke", "ikke røre ved", "ryd ikke op", "ikke rydde op", "teknikerne", "kriminalteknikere",
    "sikre spor", "spor efter", "fingeraftryk", "dna-spor",
)

# Alarmist wording (rubric in models/corpus/AUTHORING.md). Matched as word-prefix patterns.
# A leading "*" lets the phrase match inside a word ("indbrudsepidemien"); otherwise it must start a word.
# Matches always extend to the end of the last word ("hærg" → "hærger", "hærgede").
ALARM_PHRASES: tuple[str, ...] = (
    "*bølge", "*epidemi", "hærg", "går amok", "gik amok", "gået amok", "på rov", "plage", "jagtmark",
    "slår til igen", "slog til igen", "har en fest", "havde en fest", "festede", "*rekord", "aldrig set magen",
    "rædsel", "intet at gøre", "ingenting at gøre", "intet at stille op", "ulige kamp", "nærmest straffrit",
    "straffrihed", "kynisk", "skrupelløs", "skamløs", "langfingrede", "bander hærger", "*tyvebande",
    "kriminelle bander", "østeuropæ", "litauer", "litauisk", "rumæner", "rumænsk", "bulgarer", "bulgarsk",
    "polske tyve", "polsk tyv",
    "udenlandske tyve", "udenlandske bander", "slavisk", "slår alarm", "slog alarm", "i chok", "chokeret",
    "rystet", "mareridt", "frygt", "terror", "invasion", "overflødighedshorn", "slaraffenland",
    "blod på tanden", "lavpunkt", "skræmmende", "uhygge", "ingen er sikre", "ingen går fri",
    "ude af kontrol", "eksplo", "vanvid", "vild stigning", "vilde stigning", "*kup", "raid", "hjemsøg",
    "nye ofre", "næste offer", "kan det virkelig passe", "ingen kan føle sig", "tag selv-bord", "fest for tyvene",
    "haft en fest", "frit spil", "lovløs", "umulige at stoppe", "umuligt at stoppe", "giver op", "kan ikke sove",
    "tør ikke", "jagter", "sandt paradis", "paradis for tyve", "litauisk", "rumænere", "litauere",
    "tag-selv-bord", "frit vildt", "frit slag", "plyndr", "ikke noget at gøre", "ikke noget at stille op",
    "ingenting at stille op", "giver snart op", "ingen kan føle sig",
)

# The unmistakable part of that list: plague and predator metaphors, helplessness, moral labels and national
# attribution of suspects. In a crime text any one of them makes it alarmist by the rubric, whatever the
# model's overall impression; the rest ("frygt", "rystet", "rekord") only count as evidence.
ALARM_STRONG_PHRASES: tuple[str, ...] = (
    "hærg", "går amok", "gik amok", "gået amok", "på rov", "jagtmark", "slår til igen og igen",
    "slog til igen og igen", "har en fest", "havde en fest", "haft en fest", "fest for tyvene", "*indbrudsbølge",
    "*tyveribølge", "*svindelbølge", "bølge af indbrud", "bølge af tyverier", "*indbrudsepidemi", "*tyveriepidemi",
    "aldrig set magen", "rædselsår", "intet at gøre", "intet at stille op", "ulige kamp", "nærmest straffrit",
    "frit spil", "lovløs", "skrupelløs", "kynisk", "langfingrede", "østeuropæ", "litauisk", "litauere", "rumænsk",
    "rumænere", "bulgarsk", "polske tyve", "udenlandske tyve", "udenlandske bander", "slavisk", "ingen er sikre",
    "ude af kontrol", "tag selv-bord", "slaraffenland", "overflødighedshorn", "blod på tanden", "mareridt",
    "sandt paradis", "paradis for tyve", "tag-selv-bord", "frit vildt", "frit slag", "plyndringstogt",
    "ikke noget at stille op", "ingenting at stille op",
)

# Crime-type cue words (prefixes): evidence a person can check, and features for the type model.
CRIME_CUES: dict[CrimeType, tuple[str, ...]] = {
    CrimeType.HOME_BURGLARY: (
        "indbrud", "indbrudstyv", "ubudne gæster", "brudt op", "opbrudt", "brækket op", "forceret", "koben",
        "terrassedør", "havedør", "altandør", "kælderdør", "glasliste", "aflistet", "vindue på klem", "ulåst",
        "gennemrodet", "endevendt", "ransaget", "smykker", "villa", "rækkehus", "lejlighed", "opgang",
        "listetyveri", "parcelhus", "boligen", "hjemmet", "juleindbrud", "ferieindbrud", "tænd-sluk-ur",
    ),
    CrimeType.HOLIDAY_HOME_BURGLARY: (
        "sommerhus", "fritidshus", "feriehus", "sommerhusområde", "vinterlukket", "skodder", "feriebolig",
    ),
    CrimeType.BUSINESS_BURGLARY: (
        "butik", "forretning", "virksomhed", "kiosk", "supermarked", "pengeskab", "kasseapparat",
        "byggeplads", "redskabsskur", "skur", "udhus", "garage", "kælderrum", "pulterrum", "kolonihave",
        "haveforening", "lager", "værksted", "skole", "institution", "tankstation", "firma",
        # Premises that are neither homes nor shops but still business burglary by the taxonomy.
        "børnehave", "vuggestue", "daginstitution", "plejehjem", "kirketag", "menighedsråd", "klubhus",
        "maskinhal", "traktor", "mejetærsker", "landmand", "landbrug", "dieseltank", "byggeri",
        "restaurant", "pizzeria", "frisør", "butikstyveri", "varelager", "indehaver", "erhverv",
    ),
    CrimeType.VAN_TOOL_THEFT: (
        "varebil", "varevogn", "håndværkerbil", "håndværkervogn", "firmabil", "varerum", "førerkabine",
        "sidedør", "boret hul", "trekantsrude", "værktøj", "boremaskine", "vinkelsliber", "rundsav",
        "måleudstyr", "batteriværktøj", "el-værktøj", "elværktøj", "slagboremaskine", "skruemaskine",
    ),
    CrimeType.CAR_THEFT: (
        "biltyveri", "indbrud i bil", "sidespejl", "nummerplade", "katalysator", "nøglefri", "keyless",
        "nøglebrik", "signalforstærker", "tomgang", "brugstyveri", "siderude", "handskerum", "bilnøgle",
        "personbil", "stjålet bil", "bilen", "parkeringsplads", "pendlerparkering", "airbag", "fælge",
    ),
    CrimeType.BIKE_THEFT: (
        "cykel", "cykler", "elcykel", "ladcykel", "racercykel", "knallert", "stelnummer", "cykelkælder",
        "cykelstativ", "cykellås", "låsebevis", "cykelkurv", "el-løbehjul", "løbehjul", "scooter",
    ),
    CrimeType.TRICK_THEFT: (
        "tricktyv", "udgav sig for", "udgive sig for", "hjemmeplejen", "vandaflæser", "aflæse", "vicevært",
        "låne toilet", "falske håndværkere", "falsk håndværker", "tagrensning", "fliserens", "falsk betjent",
        "falske politifolk", "falske betjente", "falsk politi", "dørsælger", "ringede på døren", "ældre dame",
        "ældre mand", "ældre kvinde", "pensionist", "rengøring af tag",
    ),
    CrimeType.PICKPOCKETING: (
        "lommetyv", "tasketyv", "pung", "tegnebog", "trængsel", "strøget", "nattelivet", "afledte",
        "inderlomme", "baglomme", "håndtaske", "rygsæk", "festival",
    ),
    CrimeType.FRAUD: (
        "svindel", "bedrageri", "bedrager", "phishing", "smishing", "vishing", "spoofing", "mitid", "nemid",
        "sms", "mobilepay", "postnord", "porto", "franarret", "overførsel", "fupopkald", "svindler", "fup",
        "falsk sms", "falske sms", "link", "bankrådgiver", "kortoplysninger", "investering", "kryptovaluta",
        "netbank", "sikker konto", "hævede", "betalingskort", "kærlighedssvindel", "romance",
    ),
    CrimeType.BOAT_THEFT: (
        "påhængsmotor", "bådmotor", "udenbordsmotor", "havn", "lystbådehavn", "hestekræfter", "afmonteret",
        "trailer", "havnefoged", "båd", "jolle", "speedbåd", "sejlbåd", "motorbåd", "marina",
    ),
    CrimeType.OTHER_CRIME: (
        "vold", "slag", "knivstik", "kniv", "overfald", "trafikuheld", "spirituskørsel", "spritkørsel",
        "promille", "fartkontrol", "narko", "hash", "kokain", "hærværk", "brand", "ildspåsættelse",
        "skyderi", "våben", "røveri", "husspektakel", "trusler", "voldtægt", "sammenstød", "færdselsuheld",
        "frakendt", "kørekort", "euforiserende",
    ),
}

GENERIC_THEFT_CUES: tuple[str, ...] = (
    "tyveri", "tyv", "tyve", "stjal", "stjålet", "stjålne", "stjæle", "tyvekoster", "gerningsm", "anmeldt",
    "anmeldelse", "forurettede", "sigtet", "anholdt", "hæler", "hæleri",
)

# Cue words for which principle an advice sentence serves (prefix matches on lowercased text).
PRINCIPLE_CUES: dict[Principle, tuple[str, ...]] = {
    Principle.UTRYG: (
        "lys", "lampe", "sensor", "bevægelsessensor", "belys", "hæk", "bevoksning", "busk", "nabohjælp",
        "nabo", "hils", "synlig", "opmærksom", "114", "mistænkelig", "legitimation", "id-kort", "beboet",
        "tænd-sluk", "feriehjælp", "øje med", "holde øje", "oplyst", "trafik og mennesker",
    ),
    Principle.SVAERT: (
        "lås", "låse", "aflås", "hasp", "glasliste", "stålskrue", "skruer", "dør", "vindue", "tremmer",
        "sikkerhedskæde", "dørspion", "kæde", "godkendt", "mur", "garage", "bag", "sikringsskab", "gitter",
        "nøglebrik", "nøgle", "lukke", "luk", "skalsikring", "wire", "bøjle", "lukke døren", "læg på",
        "ring selv", "ring tilbage", "hovednummer", "kode", "stel", "fast genstand",
    ),
    Principle.FRIST: (
        "værdier", "værdigenstande", "ude af syne", "synlig", "tøm", "fjern", "taske", "kontanter", "pakker",
        "gaver", "sociale medier", "feriebilleder", "handskerum", "klik", "link", "batteri", "inderlomme",
        "baglomme", "lommen", "skjul", "gem", "stiger", "haveredskaber", "tag værdi", "efterlad", "mobil",
        "pung", "tegnebog", "koder", "mitid", "oplys",
    ),
    Principle.SURT: (
        "mærk", "tyverimærk", "graver", "gravér", "ridsepen", "serienummer", "serienumre", "stelnummer",
        "foto", "billede", "kvittering", "sporbar", "mobilepay", "betal", "brugt", "hæler", "spær",
        "bank", "kort", "anmeld", "dna", "registr", "firmanavn",
    ),
    Principle.SKRAEM: (
        "alarm", "video", "kamera", "overvågning", "gps", "tracker", "skilt", "klistermærke", "mærkat",
        "tal med", "fortæl", "snak med", "naboerne ved", "advar",
    ),
}

DANISH_FUNCTION_WORDS: frozenset[str] = frozenset(
    """og i at det en til er som på de med han af for ikke der var mig sig men et har om vi min havde
    ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil blev kunne
    ind når være dog noget ville jo deres efter ned skulle denne end dette mit også under have dig anden
    hende mine alt meget sit sine mod disse hvis din nogle hos blive mange bliver hendes været jer sådan
    politiet kl blev ved fordi mellem""".split()
)
ENGLISH_FUNCTION_WORDS: frozenset[str] = frozenset(
    """the and of to is in that it was for on are with as his they be at one have this from or had by
    but not what all were we when your can said there use an each which she do how their if will up
    other about out many then them these so some her would make like him into time has look two more
    police stolen were been who you""".split()
)
SWEDISH_MARKERS: frozenset[str] = frozenset(
    "och inte är för också från mycket skall polisen stulen inbrott".split()
)
NORWEGIAN_MARKERS: frozenset[str] = frozenset(
    "av hva noen mye ble etter veldig kveld innbrudd ikkje kjøpt".split()
)
# fmt: on
