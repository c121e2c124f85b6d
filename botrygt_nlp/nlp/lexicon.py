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
    forebyg efterlad tyverimærk gravér aktivér opdatér opdater benyt anvend kontrollér kontroller bekræft godkend undersøg
    fortæl advar underret informér informer beskær forstærk udskift fastgør tildæk bevar behold afslut glem smid makulér
    makuler riv reagér reager handl acceptér accepter tøv opsøg søg henvend kend blokér bloker rapportér rapporter
    send indtast hæng anbring etablér etabler skru belys tilslut deltag skaf sammenlign insistér afvent tænk
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
    # Added in the third round from a brainstorm of Danish press and police usage (not from the evaluation texts).
    "vil råde", "kan råde", "gerne råde", "vigtigt at huske", "en fordel at", "fornuftigt at", "værd at overveje",
    "gør klogt i", "gør bedst i", "det bedste er at", "det sikreste er at", "bedste råd", "mit råd", "vores råd",
    "par råd", "følgende råd", "nogle råd", "række råd", "råd fra politiet", "godt tip", "det skader ikke at",
    "kan ikke skade at", "hellere en gang for meget", "hellere én gang for meget", "god vane", "god regel",
    "tommelfingerreg", "bedste forsvar", "bedste beskyttelse", "mindske risikoen", "minimere risikoen",
    "nedsætte risikoen", "gøre det svært for", "gøre det sværere for", "folk bør", "alle bør", "borgerne bør",
    "bør overveje", "det er vigtigt at", "er det vigtigt at",
)

# Vague appeals that promise nothing concrete (hard negatives when they stand alone).
VAGUE_PHRASES: tuple[str, ...] = (
    "sikre sig bedst muligt", "sikre sig bedst", "være opmærksomme", "være opmærksom", "være på vagt",
    "holde øjnene åbne", "have øjnene åbne", "passe godt på", "passe på sig selv", "tage sine forholdsregler",
    "tage forholdsregler",
    # Added in the third round from a brainstorm of Danish press and police usage (not from the evaluation texts).
    "være årvågen", "være årvågne", "være ekstra opmærksom", "være særligt opmærksom", "være særlig opmærksom",
    "være mere opmærksom", "være meget opmærksom", "være påpasselig", "være mistænksom", "være på dupperne",
    "være vågen", "være vågne", "bruge sin sunde fornuft", "sund fornuft", "sunde fornuft", "tænke sig om",
    "tænke sig godt om", "sund skepsis", "passe ekstra på", "passe ordentligt på", "passe på sine ting",
    "holde hovedet koldt", "være på den sikre side", "tage sine forbehold",
)

# Recommendations reported by the press ("Politiet opfordrer håndværkerne til at …", "Han råder borgerne til
# at …", "MobilePay advarer mod at …"): the verb that carries advice in reported speech.
EXHORT_PHRASES: tuple[str, ...] = (
    "opfordrer", "opfordrede", "opfordring", "opfordres", "råder", "rådede", "rådgiver", "anbefaler",
    "anbefalede", "anbefaling", "advarer", "advarede", "advarsel", "minder om", "lyder rådet", "lyder opfordringen",
    "er budskabet", "budskabet er", "lyder budskabet", "beder folk", "beder borgerne", "beder alle", "beder ældre",
    "beder forældre", "beder brugerne", "beder kunderne", "beder bilister", "beder cyklister", "beder beboerne",
    # Added in the third round from a brainstorm of Danish press and police usage (not from the evaluation texts).
    "opfordre", "anbefale", "tilråd", "fraråd", "henstil", "indskærp", "appellerer til", "tilskynder", "minder borgerne om",
    "minder alle om", "minder folk om", "minde alle om", "beder danskerne", "beder boligejere",
    "beder sommerhusejere", "beder håndværkere", "beder jer",
)

# Protective rules stated as facts: "En rigtig bank beder aldrig om dine koder", "Politiet ringer aldrig …".
NEVER_RULE_PHRASES: tuple[str, ...] = (
    "ringer aldrig", "beder aldrig", "sender aldrig", "kommer aldrig", "spørger aldrig", "skriver aldrig",
    "henvender sig aldrig", "vil aldrig", "aldrig bede om", "aldrig ringe", "må aldrig", "aldrig give",
    "aldrig oplyse", "aldrig udlevere", "aldrig dele", "aldrig videregive", "aldrig gives", "skal aldrig",
    "bør aldrig", "ender altid på", "aldrig om din", "aldrig om dine",
    # Added in the third round from a brainstorm of Danish press and police usage (not from the evaluation texts).
    "kræver aldrig", "henter aldrig", "afhenter aldrig", "kontakter aldrig", "kontakter dig aldrig",
    "beder dig aldrig", "spørger dig aldrig", "ringer dig aldrig op", "opbevarer aldrig", "ikke uanmeldt",
    "altid legitimation", "altid vise", "altid fremvise", "i din gode ret", "ingen seriøs", "ingen myndighed",
    "ingen rigtig bank", "rigtige politifolk", "ægte politifolk", "er altid svindel", "er altid fup",
    "aldrig godkend", "aldrig overfør", "aldrig klik", "aldrig tast", "aldrig efterlad",
    "under ingen omstændigheder",
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

# Witness appeals: help the investigation, not the reader. Two kinds of phrase (see signals.witness_sentence):
# WITNESS_PHRASES name what a witness has (seen, heard, information, recordings) or who is sought (witnesses,
# further victims, a missing person) and make an appeal only together with a way to reach the police and a
# reader asked (du, man, alle, hvis, bedes …) or a number; WITNESS_APPEAL_PHRASES are appeals on their own
# ("søger vidner", "vil gerne høre fra", "tager gerne imod"), also in reported speech and police prose.
WITNESS_PHRASES: tuple[str, ...] = (
    "vidner", "været vidne", "høre fra", "har set noget", "har du set", "har nogen set", "har du oplysninger",
    "oplysninger om", "oplysninger i sagen", "kan have set", "har bemærket", "mistænkelige iagttagelser",
    "iagttagelser", "henvende sig til politiet", "kontakte politiet på", "ring til politiet på", "tip politiet",
    "journalnr", "j.nr",
    # Past- or present-tense reach-outs as police districts word them ("Henvendelse til politiet på 114",
    # "Har man set noget, hører politiet gerne fra en", "beder alle, der kan genkende manden, om at ringe").
    "henvendelse til", "henvendelse på", "henvendelser til", "oplysninger til", "oplysninger kan",
    "har man set", "har man hørt", "har man mødt", "har man bemærket", "har du hørt", "har du mødt",
    "har nogen hørt", "der har set", "der har hørt", "som har set", "som har hørt", "kan genkende",
    "genkender du", "genkender man", "kender du", "tips kan", "tips til politiet",
    # What a witness may have: observations in the perfect tense, knowledge, recordings.
    "har du bemærket", "har nogen bemærket", "har du lagt mærke", "har man lagt mærke", "har du observeret",
    "set noget", "du har set", "nogen har set", "man har set", "de har set", "har hørt noget", "set eller hørt", "har lagt mærke til", "lagt mærke til noget",
    "har observeret", "kan have hørt", "kan have bemærket", "får øje på", "har oplysninger", "har man oplysninger",
    "hvis man har oplysninger", "med oplysninger", "flere oplysninger", "nogen oplysninger",
    "eventuelle oplysninger", "inde med oplysninger", "politiet oplysninger", "har viden", "viden om",
    "ved noget om", "ved, hvem", "ved hvem", "har information", "informationer om", "har optagelser",
    "har du optagelser", "optagelser fra", "videooptagelser", "overvågningsvideo", "overvågningsbilleder",
    "dashcam", "kan træffes på", "kan kontaktes på", "hjælp til at finde", "hjælpe med at finde",
    "hjælpe med at opklare", "hjælpe efterforskningen", "hjælpe politiet", "brug for borgernes hjælp",
    "brug for din hjælp", "brug for jeres hjælp", "brug for offentlighedens hjælp",
    # People who were there ("alle, der færdedes på Algade"), and missing persons.
    "færdedes", "var i området", "efterlyser", "savnet", "savnede", "sidst set", "forsvundne",
)
# Appeals to further victims of a case ("Politiet vil gerne i kontakt med andre, der har været udsat for det
# samme"): an appeal only with a contact, someone asked and a reference to the case (see signals).
WITNESS_VICTIM_PHRASES: tuple[str, ...] = (
    "andre ofre", "flere ofre", "andre forurettede", "flere forurettede", "været udsat for", "blevet udsat for",
    "været offer for", "blevet snydt", "blevet franarret", "haft besøg af", "oplevet det samme",
    "oplevet noget lignende", "fået stjålet", "blevet ringet op", "har du overført", "overført penge",
)
WITNESS_APPEAL_PHRASES: tuple[str, ...] = (
    "efterlyser vidner", "efterlyser fortsat vidner", "efterlyser nu vidner", "efterlyser samtidig vidner",
    "efterlyser oplysninger", "efterlyser information", "efterlyser tips", "opfordrer vidner", "opfordrer eventuelle",
    "beder naboer", "opfordrer naboer", "tale med vidner", "i kontakt med vidner", "oplysninger modtages",
    "henvendelser modtages", "tips modtages", "interesseret i oplysninger", "interesseret i at høre",
    "interesseret i at tale med", "interesseret i henvendelser", "hører også gerne", "hører altid gerne",
    "hører stadig gerne", "hører fortsat gerne", "også gerne høre", "politiet et praj", "efterlyser politiet", "politiet efterlyser", "politi efterlyser", "vidner efterlyses", "hører gerne fra", "gerne høre fra",
    "hører politiet gerne", "hører politiet meget gerne", "hører vi gerne", "hører vi meget gerne", "høre fra alle",
    "høre fra borgere", "høre fra folk", "høre fra vidner", "høre fra eventuelle", "høre fra personer",
    "høre fra andre", "gerne i kontakt med", "gerne have besked", "gerne have henvendelse", "gerne have oplysninger",
    "gerne have tips", "gerne have anmeldelser", "gerne have hjælp", "tager gerne imod", "tager vi gerne imod",
    "tager politiet gerne imod", "gerne imod hjælp", "gerne imod oplysninger", "gerne imod tips",
    "gerne imod henvendelser", "modtager gerne", "søger vidner", "søger politiet vidner", "søger efter vidner",
    "leder efter vidner", "leder stadig efter vidner", "leder politiet efter vidner", "eftersøger vidner",
    "vidner søges", "eventuelle vidner", "mulige vidner", "vidner bedes", "vidner opfordres", "beder vidner",
    "beder eventuelle", "bedes kontakte", "bedes henvende", "bedes ringe", "bedes rette", "bedes give",
    "bes kontakte", "bes henvende", "bes ringe", "opfordres til at kontakte", "opfordres til at henvende",
    "opfordres til at ringe", "opfordres til at give", "opfordres til at melde", "håber på henvendelser",
    "håber på hjælp", "håber på tips", "håber på oplysninger", "håber at høre fra", "beder om hjælp",
    "beder om borgernes hjælp", "beder om offentlighedens hjælp", "beder borgerne om hjælp", "beder offentligheden",
    "beder om tips", "beder om oplysninger", "meldt savnet", "savnes",
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
    "kriminelle bander", "slår alarm", "slog alarm", "i chok", "chokeret",
    "rystet", "mareridt", "frygt", "terror", "invasion", "overflødighedshorn", "slaraffenland",
    "blod på tanden", "lavpunkt", "skræmmende", "uhygge", "ingen er sikre", "ingen går fri",
    "ude af kontrol", "eksplo", "vanvid", "vild stigning", "vilde stigning", "*kup", "raid", "hjemsøg",
    "nye ofre", "næste offer", "kan det virkelig passe", "ingen kan føle sig", "tag selv-bord", "fest for tyvene",
    "haft en fest", "frit spil", "lovløs", "umulige at stoppe", "umuligt at stoppe", "giver op", "kan ikke sove",
    "tør ikke", "jagter", "sandt paradis", "paradis for tyve",
    "tag-selv-bord", "frit vildt", "frit slag", "plyndr", "ikke noget at gøre", "ikke noget at stille op",
    "ingenting at stille op", "giver snart op", "ingen kan føle sig",
    # Metaphors of plenty, flood and hunting; size without measure; resignation; labels for offenders.
    "tyvenes fest", "festmåltid", "guldgrube", "godbid", "vrimler med", "myldrer med", "tsunami", "lavine",
    "syndflod", "svøbe", "hårdt ramt", "hårdest ramt", "huserer", "løber løbsk", "på jagt efter", "er på jagt",
    "på spanden", "stribevis", "i hobetal", "gang på gang", "ond cirkel", "katastrof",
    "kolossal", "enormt problem", "svimlende", "himmelflugt", "brutal", "skrækindjagende", "chokerende",
    "rystende", "forfærdelig", "krigszone", "vilde vesten", "ingenmandsland", "skydeskive", "belejr",
    "kun begyndelsen", "toppen af isbjerget", "blevet hverdag", "falsk tryghed", "kan ikke ændres",
    "ikke ændres ved", "magtesløs", "afmægtig", "hjælpeløs", "står med hænderne", "intet hjælper",
    "ingenting hjælper", "svære at fange", "umulige at fange", "umuligt at fange", "slipper af sted",
    "forbliver uopklarede", "tør dårligt", "bange for", "omrejsende", "hærdede", "hårdkogte", "berygtede",
    "bøller", "banditter", "kriminelle udlændinge",
    "på stribe", "tyvetogt", "kaster sig over", "kastet sig over", "i farezonen", "slår sig løs", "vaneforbryder",
    "tilrejsende", "vælter ind", "oversvømmet", "hotspot", "urovækkende", "alarmklokke", "skræmt", "skræmmebillede",
    "voldsom stigning", "steget voldsomt", "stiger voldsomt", "vokset voldsomt", "iskold", "snedige", "gå amok",
    "nærmest amok", "ikke bliver gjort noget", "bliver ikke gjort noget", "kan ikke forsvare sig", "må finde sig i",
    "i fred for", "have noget i fred", "breder sig", "massiv", "alt for tit", "alt for ofte", "et væld af",
    "storm af", "stormen af", "ødelæggende", "ekstremt professionel", "går ikke af vejen for", "sporløst",
    "tyvene har travlt", "tyvene holder ingen",
    # Added in the third round from a brainstorm of Danish press and police usage (not from the evaluation texts).
    "landeplage", "horde", "hær af", "sværm af", "sværme af", "invader", "umuligt at beskytte sig", "tyvene går fri",
    "frie hænder", "let spil", "eldorado", "nådesløs", "værste nogensinde", "flere end nogensinde",
    "aldrig har der været så mange", "uden sidestykke", "ustoppelig", "anarki", "slagmark", "under angreb",
    "kløerne i", "smørhul for", "foruroligende", "alarmerende", "dramatisk stigning", "vanvittig", "sindssyg",
    "ude i hampen", "ud over alle grænser", "hidtil uset", "tårnhøj", "galopperende", "skyder i vejret", "skyhøj",
    "lind strøm af", "i massevis", "massevis af", "armé af", "lette ofre", "nemme ofre", "nemme penge",
    "lette penge", "lurer på", "snigende", "bombarderet med", "bombarderes med", "krigen mod", "i krig med",
    "tør knap", "tør næsten ikke", "ikke længere tryg", "føler sig ikke sikre", "resigner", "opgivende", "grådig",
    "lumsk", "ussel", "nederdrægtig", "modbydelig", "afskyelig", "ondskab", "bestialsk", "slyngler", "kæltring",
    "*mafia", "forhærdede", "udplyndr", "raser i", "støvsugede", "sort statistik", "dystre tal", "ildevarslende",
    "offer efter offer", "endnu et offer", "nærmest umuligt", "panik", "østblok", "fristed for", "endeløs",
    "værgeløs", "forskans", "europamester i", "skandale",
)

# The unmistakable part of that list: plague and predator metaphors, helplessness, moral labels and national
# attribution of suspects. In a crime text any one of them makes it alarmist by the rubric, whatever the
# model's overall impression; the rest ("frygt", "rystet", "rekord") only count as evidence.
ALARM_STRONG_PHRASES: tuple[str, ...] = (
    "hærg", "går amok", "gik amok", "gået amok", "på rov", "jagtmark", "slår til igen og igen",
    "slog til igen og igen", "har en fest", "havde en fest", "haft en fest", "fest for tyvene", "*indbrudsbølge",
    "*tyveribølge", "*svindelbølge", "bølge af indbrud", "bølge af tyverier", "*indbrudsepidemi", "*tyveriepidemi",
    "aldrig set magen", "rædselsår", "intet at gøre", "intet at stille op", "ulige kamp", "nærmest straffrit",
    "frit spil", "lovløs", "skrupelløs", "kynisk", "langfingrede", "ingen er sikre",
    "ude af kontrol", "tag selv-bord", "slaraffenland", "overflødighedshorn", "blod på tanden", "mareridt",
    "sandt paradis", "paradis for tyve", "tag-selv-bord", "frit vildt", "frit slag", "plyndringstogt",
    "ikke noget at stille op", "ingenting at stille op",
    "tyvenes fest", "festmåltid for", "det vrimler med", "som en tsunami", "tsunami af", "hårdt plaget",
    "hårdere plaget", "hårdest plaget", "plaget af", "plages af", "magtesløs", "afmægtig", "kan ikke ændres",
    "ikke ændres ved", "omrejsende kriminelle", "omrejsende tyve", "omrejsende bander", "*tyvebander",
    "hærdede kriminelle", "krigszone", "det vilde vesten", "løber løbsk", "bølge af", "*tyvebande", "huserer",
    "gå amok", "nærmest amok", "kaster sig over", "kastet sig over", "vaneforbryder", "tilrejsende kriminelle",
    "tilrejsende tyve", "tilrejsende bander",
    # Added in the third round from a brainstorm of Danish press and police usage (not from the evaluation texts).
    "*indbrudsplage", "*tyveriplage", "*svindelplage", "*kriminalitetsbølge", "*bedrageribølge", "*fupbølge",
    "*svindelepidemi", "*bedrageriepidemi", "som græshopper", "som gribbe", "som rovdyr", "som ulve",
    "ulv i fåreklæder", "ulve i fåreklæder", "siddende ænder", "fanger i eget hjem", "fange i sit eget hjem",
    "levende helvede", "samvittighedsløs", "afskum", "samfundets bærme", "forhærdede kriminelle",
    "kriminelle asylansøgere", "hidtil uset omfang", "i uhørt omfang", "der er ingen ende på",
    "umuligt at gardere sig", "forsvarsløs", "ingen er sikker", "ingen er i sikkerhed", "intet sted er sikkert",
    "ingen steder er sikre", "ingen går ram forbi", "kan ingenting gøre", "kan intet stille op",
    "henlægger alligevel", "ladt i stikken", "svigtet af politiet", "kamp mod vejrmøller", "tyvenes legeplads",
    "legeplads for tyve", "tyvenes paradis", "*tyveparadis", "*svindlerparadis", "amerikanske tilstande",
    "svenske tilstande", "no-go-zone", "kampzone", "ligger på lur", "uden skrupler", "uden samvittighed",
    "skyr ingen midler", "intet er helligt", "hjerteløs",
)

# National or ethnic attribution of offenders ("rumænske mænd", "en mand fra Østeuropa", "polakken", "af
# sydlandsk udseende"): alarmist framing by the rubric, unless the sentence is a police description of a wanted
# person (signalement, "beskrevet som", "iført", a height), see signals.alarm_matches. A country named as a fact
# ("et nummer i Litauen", "polske nummerplader") is not attribution: adjectives count only before a person.
_NATIONALITY_ADJECTIVES = """rumænsk polsk litauisk lettisk estisk bulgarsk albansk serbisk kosovoalbansk bosnisk
    kroatisk georgisk armensk moldovisk ukrainsk russisk hviderussisk slovakisk tjekkisk ungarsk chilensk
    colombiansk peruviansk marokkansk algerisk tunesisk nordafrikansk afrikansk somalisk eritreisk afghansk
    irakisk iransk syrisk libanesisk palæstinensisk tyrkisk arabisk østeuropæisk sydeuropæisk udenlandsk
    sydlandsk slavisk spansk italiensk portugisisk fransk hollandsk tysk svensk norsk engelsk britisk irsk
    vietnamesisk kinesisk""".split()
_OFFENDER_NOUNS = """mand mænd kvinde kvinder dreng drenge pige piger fyr fyre unge person personer statsborger
    statsborgere tyv tyve tyvene indbrudstyv indbrudstyve tricktyv tricktyve lommetyv lommetyve butikstyv butikstyve gerningsmand gerningsmænd gerningsmændene gerningsperson gerningspersoner svindler
    svindlere bedrager bedragere kriminelle bande bander banden tyvebande tyvebander netværk klan""".split()
_ORIGINS = """rumænien polen litauen letland estland bulgarien albanien serbien kosovo bosnien kroatien georgien
    armenien moldova ukraine rusland hviderusland slovakiet tjekkiet ungarn chile colombia peru marokko algeriet
    tunesien nordafrika afrika somalia eritrea afghanistan irak iran syrien libanon tyrkiet østeuropa
    sydeuropa balkan udlandet spanien italien portugal frankrig holland tyskland sverige norge england
    storbritannien irland vietnam kina sydamerika""".split()
_ORIGIN_NOUNS = """mand mænd kvinde kvinder dreng drenge fyr unge person personer statsborger statsborgere tyv tyve tyvene indbrudstyve tricktyve lommetyve gerningsmand gerningsmændene
    gerningsmænd svindlere bedragere kriminelle bande bander håndværkere folk tasketyve""".split()
NATIONALITY_PHRASES: tuple[str, ...] = (
    *(f"{adj}{ending} {noun}" for adj in _NATIONALITY_ADJECTIVES for ending in ("", "e") for noun in _OFFENDER_NOUNS),
    *(f"{noun} fra {origin}" for noun in _ORIGIN_NOUNS for origin in _ORIGINS),
    *(f"statsborger{ending} i {origin}" for ending in ("", "e") for origin in _ORIGINS),
    *(f"{adj} udseende" for adj in ("udenlandsk", "sydlandsk", "østeuropæisk", "arabisk", "mellemøstligt",
                                    "nordafrikansk", "afrikansk", "asiatisk", "østlandsk", "slavisk")),
    *(f"{adj}{form}" for adj in ("udenlandsk", "sydlandsk", "østeuropæisk", "slavisk", "arabisk", "nordafrikansk")
      for form in ("e af udseende", " af udseende", " sprog")),
    *(f"så {adj} ud" for adj in ("udenlandsk", "udenlandske", "sydlandsk", "sydlandske", "østeuropæisk",
                                 "østeuropæiske", "arabisk", "arabiske")),
    *(f"{verb} fra {origin}" for verb in ("kommer", "stammer", "kom") for origin in (
        "østeuropa", "balkan", "rumænien", "litauen", "polen", "bulgarien", "albanien", "nordafrika", "sydamerika",
        "udlandet")),
    "serber", "rumæner", "polak", "litauer", "bulgarer", "albaner", "georgier", "moldover", "chilener",
    "marokkaner", "nordafrikaner", "østeuropæer", "slovakker", "slovakken", "ungarer", "spanier", "udlænding", "indvandrer",
    "kommer fra østeuropa", "stammer fra østeuropa", "fra lande i østeuropa", "østeuropæiske bander",
)

# Crime-type cue words (prefixes): evidence a person can check, and features for the type model.
CRIME_CUES: dict[CrimeType, tuple[str, ...]] = {
    CrimeType.HOME_BURGLARY: (
        "indbrud", "indbrudstyv", "ubudne gæster", "brudt op", "opbrudt", "brækket op", "forceret", "koben",
        "terrassedør", "havedør", "altandør", "kælderdør", "glasliste", "aflistet", "vindue på klem", "ulåst",
        "gennemrodet", "endevendt", "ransaget", "smykker", "villa", "rækkehus", "lejlighed", "opgang",
        "listetyveri", "parcelhus", "boligen", "hjemmet", "juleindbrud", "ferieindbrud", "tænd-sluk-ur",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "privatbolig", "andelsbolig", "dobbelthus", "kædehus", "etageejendom", "dørkarm", "kældervindue",
        "badeværelsesvindue", "tagvindue", "arvestykke", "fladskærm", "spillekonsol", "playstation", "soveværelse",
        "rodet igennem", "mens de sov", "mens familien",
    ),
    CrimeType.HOLIDAY_HOME_BURGLARY: (
        "sommerhus", "fritidshus", "feriehus", "sommerhusområde", "vinterlukket", "skodder", "feriebolig",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "fritidsbolig", "fritidsejendom", "weekendhus", "sommerbolig", "ferielejer", "udlejningshus",
        "uden for sæsonen", "klitplantage",
    ),
    CrimeType.BUSINESS_BURGLARY: (
        "butik", "forretning", "virksomhed", "kiosk", "supermarked", "pengeskab", "kasseapparat",
        "byggeplads", "redskabsskur", "skur", "udhus", "garage", "kælderrum", "pulterrum", "kolonihave",
        "haveforening", "lager", "værksted", "skole", "institution", "tankstation", "firma",
        # Premises that are neither homes nor shops but still business burglary by the taxonomy.
        "børnehave", "vuggestue", "daginstitution", "plejehjem", "kirketag", "menighedsråd", "klubhus",
        "maskinhal", "traktor", "mejetærsker", "landmand", "landbrug", "dieseltank", "byggeri",
        "restaurant", "pizzeria", "frisør", "butikstyveri", "varelager", "indehaver", "erhverv",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "kontor", "fabrik", "bageri", "grillbar", "rullegitter", "rulleport", "dagskasse", "kassebeholdning",
        "entreprenør", "gravemaskine", "minigraver", "mandskabsvogn", "forsamlingshus", "gartneri", "bibliotek",
        "kobber",
    ),
    CrimeType.VAN_TOOL_THEFT: (
        "varebil", "varevogn", "håndværkerbil", "håndværkervogn", "firmabil", "varerum", "førerkabine",
        "sidedør", "boret hul", "trekantsrude", "værktøj", "boremaskine", "vinkelsliber", "rundsav",
        "måleudstyr", "batteriværktøj", "el-værktøj", "elværktøj", "slagboremaskine", "skruemaskine",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "kassevogn", "kassebil", "servicebil", "servicevogn", "lastrum", "borede hul", "boret et hul", "kapsav",
        "stiksav", "dyksav", "multicutter", "makita", "milwaukee", "dewalt", "hilti", "festool", "stigeholder",
        "kabeltromle", "gps-anlæg", "gps-udstyr", "autostyring", "trimble",
    ),
    CrimeType.CAR_THEFT: (
        "biltyveri", "indbrud i bil", "sidespejl", "nummerplade", "katalysator", "nøglefri", "keyless",
        "nøglebrik", "signalforstærker", "tomgang", "brugstyveri", "siderude", "handskerum", "bilnøgle",
        "personbil", "stjålet bil", "bilen", "parkeringsplads", "pendlerparkering", "airbag", "fælge",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "startspærre", "tændingslås", "land cruiser", "range rover", "bagrude", "parkeringshus", "motorcykel",
        "motorcykl", "hjulsæt",
    ),
    CrimeType.BIKE_THEFT: (
        "cykel", "cykler", "elcykel", "ladcykel", "racercykel", "knallert", "stelnummer", "cykelkælder",
        "cykelstativ", "cykellås", "låsebevis", "cykelkurv", "el-løbehjul", "løbehjul", "scooter",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "mountainbike", "pedelec", "ringlås", "foldelås", "bullitt", "babboe", "nihola", "kildemoes",
    ),
    CrimeType.TRICK_THEFT: (
        "tricktyv", "udgav sig for", "udgive sig for", "hjemmeplejen", "vandaflæser", "aflæse", "vicevært",
        "låne toilet", "falske håndværkere", "falsk håndværker", "tagrensning", "fliserens", "falsk betjent",
        "falske politifolk", "falske betjente", "falsk politi", "dørsælger", "ringede på døren", "ældre dame",
        "ældre mand", "ældre kvinde", "pensionist", "rengøring af tag",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "aflur", "over skulderen", "distrah", "aflednings", "glas vand", "låne en pen", "bad om at låne", "påskud",
        "tilbød at hjælpe", "byttede kortet", "lukkede ham ind", "lukkede hende ind", "lukket ind",
        "falske medarbejdere", "falsk medarbejder", "hæveautomat", "pengeautomat", "kontantautomat",
    ),
    CrimeType.PICKPOCKETING: (
        "lommetyv", "tasketyv", "pung", "tegnebog", "trængsel", "strøget", "nattelivet", "afledte",
        "inderlomme", "baglomme", "håndtaske", "rygsæk", "festival",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "indkøbsvogn", "indkøbskurv", "pengepung", "lynlås", "fra lommen", "op af lommen", "ud af lommen",
        "offentlig transport", "s-tog", "rulletrappe", "julemarked", "uden at mærke", "mobiltyv",
    ),
    CrimeType.FRAUD: (
        "svindel", "bedrageri", "bedrager", "phishing", "smishing", "vishing", "spoofing", "mitid", "nemid",
        "sms", "mobilepay", "postnord", "porto", "franarret", "overførsel", "fupopkald", "svindler", "fup",
        "falsk sms", "falske sms", "link", "bankrådgiver", "kortoplysninger", "investering", "kryptovaluta",
        "netbank", "sikker konto", "hævede", "betalingskort", "kærlighedssvindel", "romance",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "svindle", "bedrage", "telefonfup", "netfup", "forudbetal", "modtog aldrig", "identitetstyv", "kortnummer",
        "skimm", "kodeviser", "fjernadgang", "anydesk", "teamviewer", "toldgebyr", "hej mor", "bitcoin", "muldyr",
        "datingside", "kontonummer",
    ),
    CrimeType.BOAT_THEFT: (
        "påhængsmotor", "bådmotor", "udenbordsmotor", "havn", "lystbådehavn", "hestekræfter", "afmonteret",
        "trailer", "havnefoged", "båd", "jolle", "speedbåd", "sejlbåd", "motorbåd", "marina",
        # Third round: a brainstorm of Danish press and police vocabulary (not the evaluation texts).
        "robåd", "gummibåd", "fiskerbåd", "fiskebåd", "lystbåd", "jetski", "kajak", "sejlklub", "ekkolod", "plotter",
        "agterspejl", "ponton", "slæbested", "vinteroplag", "kahyt", "motorsejler", "evinrude", "tohatsu",
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
