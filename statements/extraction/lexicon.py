"""Word lists for English news attribution: speech verbs, titles, role nouns, function words.

Everything here is lower-case; matching code folds tokens before looking them up.
"""


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`: long lists read better as prose than as literals."""
    return frozenset(text.split())


# Verbs that introduce or attribute speech, in the forms news copy uses them in.
SPEECH_VERBS = words(
    """
    said says say told tells added adds asked asks replied replies wrote writes insisted insists
    warned warns concluded concludes cautioned cautions stated states declared declares explained explains
    noted notes argued argues claimed claims continued continues announced announces remarked remarks
    responded responds answered answers tweeted tweets posted posts acknowledged acknowledges admitted admits
    agreed agrees complained complains conceded concedes confirmed confirms countered counters
    emphasized emphasised emphasizes emphasises stressed stresses urged urges vowed vows pledged pledges
    promised promises predicted predicts recalled recalls reiterated reiterates repeated repeats observed
    observes shouted shouts yelled whispered joked jokes quipped quips lamented laments boasted boasts
    charged charges alleged alleges contended contends maintained maintains mused offered suggested suggests
    wondered wonders exclaimed fumed underscored underscores assured assures reassured reported reports
    disclosed revealed reveals testified testifies proclaimed retorted snapped sighed explained indicated
    indicates signaled signalled signals informed informs reminded reminds estimated estimates read reads
    demanded demands denied denies acknowledged wrote predicted threatened threatens
    """
)

# Verbs that may stand before their subject after a quote: `"…," said the minister.`
INVERTIBLE_VERBS = words(
    """
    said says added adds asked asks replied replies wrote writes continued continues explained explains
    noted notes argued argues recalled recalls insisted insists warned warns cautioned cautions
    concluded concludes observed observes remarked remarks responded responds answered answers
    countered counters declared declares stated states quipped joked
    urged urges pleaded conceded admitted acknowledged agreed vowed pledged promised predicted stressed
    emphasized emphasised lamented boasted charged maintained mused suggested wondered exclaimed fumed
    retorted snapped sighed shouted yelled whispered complained confirmed reiterated
    """
)

# Verbs whose "that"-clause, or bare clause, is the content of what was said.
REPORTING_VERBS = words(
    """
    said says told tells added adds insisted insists warned warns concluded concludes cautioned cautions
    stated states declared declares explained explains noted notes argued argues claimed claims announced
    announces acknowledged acknowledges admitted admits agreed agrees complained complains conceded concedes
    confirmed confirms countered counters emphasized emphasised emphasizes emphasises stressed stresses
    vowed vows pledged pledges promised promises predicted predicts recalled recalls reiterated reiterates
    repeated repeats observed observes charged charges alleged alleges contended contends maintained maintains
    suggested suggests underscored underscores assured assures reassured reported reports disclosed
    revealed reveals testified testifies replied replies responded responds answered answers wrote writes
    tweeted tweets posted posts indicated indicates signaled signalled signals informed informs reminded
    reminds estimated estimates remarked remarks
    """
)

# Reporting verbs that may drop "that" before their clause (`he said the talks would continue`).
BARE_CLAUSE_VERBS = words(
    """
    said says told tells added adds insisted insists warned warns argued argues claimed claims noted notes
    stressed stresses acknowledged acknowledges conceded concedes predicted predicts suggested suggests
    cautioned cautions wrote writes estimated estimates
    """
)

# Participles that continue the main clause's speaker: `…, adding that the army was ready.`
SPEECH_PARTICIPLES = words(
    """
    adding saying noting warning insisting arguing stressing cautioning explaining claiming
    acknowledging emphasizing emphasising telling asserting complaining
    """
)

# Verbs after which an object is the person spoken to.
ADDRESSEE_VERBS = words("told tells assured assures reassured informed informs reminded reminds")

# Auxiliaries and adverbs that may stand between a subject and its speech verb.
VERB_MODIFIERS = words(
    """
    has have had was were is are would will also later earlier previously again then once repeatedly often
    further separately quickly simply flatly publicly privately reportedly recently subsequently initially
    originally finally first last never already still had even not just since
    """
)

PRONOUNS = {
    "he": ("person", "singular"),
    "she": ("person", "singular"),
    "it": ("organization", "singular"),
    "they": ("group", "plural"),
    "we": ("group", "plural"),
    "i": ("person", "singular"),
}

DETERMINERS = words(
    """
    the a an one two three four five six several some many most other another both all his her its their
    our this these those each any no more few dozens hundreds
    """
)

# Nouns that name a document: "the statement said" means its issuer said it.
DOCUMENT_NOUNS = words(
    """
    statement statements readout release communique communiqué letter report post memo filing document
    tweet note announcement notice transcript message
    """
)

# Role nouns that name a person without naming them.
PERSON_ROLE_NOUNS = words(
    """
    official officials spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen minister
    ministers president prime secretary senator representative lawmaker lawmakers governor mayor general
    commander chancellor ambassador diplomat diplomats envoy source sources aide aides adviser advisers
    advisor advisors analyst analysts expert experts leader leaders chief director executive officer
    officer officers member members person people resident residents witness witnesses lawyer attorney
    judge prosecutor prosecutors negotiator negotiators candidate chairman chairwoman chair premier king
    queen president-elect activist activists researcher researchers economist economists doctor doctors
    official's insider insiders investor investors trader traders founder owner manager player coach
    monarch cleric pope commissioner speaker strategist strategists organizer organizers scientist
    scientists police-officer colleague colleagues friend friends father mother son daughter wife husband
    """
)

# Heads of noun phrases that name an organisation or body.
ORGANIZATION_NOUNS = words(
    """
    office ministry department government house agency council commission committee party army military
    forces force police company firm group organization organisation union court bank fund authority
    authorities service services administration cabinet parliament congress senate embassy consulate
    campaign movement coalition alliance network station newspaper broadcaster team club board
    secretariat presidency palace kremlin pentagon bureau institute foundation association federation
    corporation corp inc ltd university hospital regime junta directorate command headquarters
    prosecutor's navy airline airlines bloc opposition delegation mission assembly centers center centre
    centres institutes
    """
)

GOVERNMENT_NOUNS = words(
    """
    office ministry department government house agency council commission committee cabinet parliament
    congress senate embassy consulate presidency palace kremlin pentagon bureau secretariat directorate
    administration regime junta
    """
)

# Single words that name a well-known organisation, country or body on their own.
KNOWN_ORGANIZATIONS = words(
    """
    hamas hezbollah nato un u.n. eu e.u. kremlin pentagon reuters ap afp cnn bbc opec who imf wto
    fbi cia nasa unicef unrwa idf taliban isis houthis fatah likud google apple microsoft amazon meta
    tesla boeing airbus
    """
)

COUNTRIES = words(
    """
    afghanistan albania algeria argentina armenia australia austria azerbaijan bahrain bangladesh belarus
    belgium bolivia bosnia brazil britain bulgaria cambodia cameroon canada chad chile china colombia congo
    croatia cuba cyprus czechia denmark ecuador egypt eritrea estonia ethiopia finland france georgia germany
    ghana greece guatemala haiti honduras hungary iceland india indonesia iran iraq ireland israel italy
    japan jordan kazakhstan kenya korea kosovo kuwait kyrgyzstan laos latvia lebanon libya lithuania
    luxembourg malaysia mali malta mexico moldova mongolia montenegro morocco mozambique myanmar namibia
    nepal netherlands nicaragua niger nigeria norway oman pakistan palestine panama paraguay peru
    philippines poland portugal qatar romania russia rwanda senegal serbia singapore slovakia slovenia
    somalia spain sudan sweden switzerland syria taiwan tajikistan tanzania thailand tunisia turkey turkiye
    uganda ukraine uruguay uzbekistan venezuela vietnam yemen zambia zimbabwe washington moscow beijing
    """
)

# Nationalities: "the Brazilian midfielder Caio Prado", then "the Brazilian said". Never a name on their own.
DEMONYMS = words(
    """
    afghan albanian algerian american argentine argentinian armenian australian austrian azerbaijani
    bahraini bangladeshi belarusian belgian bolivian bosnian brazilian british bulgarian cambodian
    cameroonian canadian chadian chilean chinese colombian congolese croatian cuban cypriot czech danish
    dutch ecuadorian egyptian emirati english eritrean estonian ethiopian european filipino finnish french
    georgian german ghanaian greek guatemalan haitian honduran hungarian icelandic indian indonesian iranian
    iraqi irish israeli italian ivorian jamaican japanese jordanian kazakh kenyan korean kosovar kuwaiti
    kyrgyz lao latvian lebanese libyan lithuanian luxembourgish malaysian malian maltese mexican moldovan
    mongolian montenegrin moroccan mozambican namibian nepalese nicaraguan nigerian nigerien norwegian
    omani pakistani palestinian panamanian paraguayan peruvian polish portuguese qatari romanian russian
    rwandan saudi scottish senegalese serbian singaporean slovak slovenian somali spanish sudanese swedish
    swiss syrian taiwanese tajik tanzanian thai tunisian turkish ugandan ukrainian uruguayan uzbek
    venezuelan vietnamese welsh yemeni zambian zimbabwean
    """
)

# Nationalities as nouns: "the Swede", "the Welshman".
DEMONYMS = DEMONYMS | words(
    """
    swede pole dane finn scot briton brit welshman welshwoman scotsman scotswoman englishman englishwoman
    frenchman frenchwoman dutchman dutchwoman irishman irishwoman spaniard turk kiwi aussie
    """
)

# A country and what the people from it are called, so "Ingrid Halvorsen of Sweden" is "the Swede".
COUNTRY_DEMONYMS = {
    "afghanistan": "afghan",
    "argentina": "argentine argentinian",
    "australia": "australian aussie",
    "austria": "austrian",
    "belgium": "belgian",
    "brazil": "brazilian",
    "britain": "british briton brit",
    "canada": "canadian",
    "chile": "chilean",
    "china": "chinese",
    "colombia": "colombian",
    "croatia": "croatian",
    "cuba": "cuban",
    "denmark": "danish dane",
    "egypt": "egyptian",
    "england": "english englishman englishwoman",
    "ethiopia": "ethiopian",
    "finland": "finnish finn",
    "france": "french frenchman frenchwoman",
    "germany": "german",
    "ghana": "ghanaian",
    "greece": "greek",
    "hungary": "hungarian",
    "india": "indian",
    "indonesia": "indonesian",
    "iran": "iranian",
    "iraq": "iraqi",
    "ireland": "irish irishman irishwoman",
    "israel": "israeli",
    "italy": "italian",
    "jamaica": "jamaican",
    "japan": "japanese",
    "jordan": "jordanian",
    "kenya": "kenyan",
    "korea": "korean",
    "lebanon": "lebanese",
    "mexico": "mexican",
    "morocco": "moroccan",
    "netherlands": "dutch dutchman dutchwoman",
    "nigeria": "nigerian",
    "norway": "norwegian",
    "pakistan": "pakistani",
    "peru": "peruvian",
    "philippines": "filipino",
    "poland": "polish pole",
    "portugal": "portuguese",
    "qatar": "qatari",
    "romania": "romanian",
    "russia": "russian",
    "scotland": "scottish scot scotsman scotswoman",
    "senegal": "senegalese",
    "serbia": "serbian",
    "spain": "spanish spaniard",
    "sweden": "swedish swede",
    "switzerland": "swiss",
    "syria": "syrian",
    "thailand": "thai",
    "turkey": "turkish turk",
    "uganda": "ugandan",
    "ukraine": "ukrainian",
    "venezuela": "venezuelan",
    "vietnam": "vietnamese",
    "wales": "welsh welshman welshwoman",
}
COUNTRY_DEMONYMS = {country: frozenset(names.split()) for country, names in COUNTRY_DEMONYMS.items()}

# Titles as abbreviated before a name, and the role a later reference names: "Gov. Tuttle" … "the governor".
ABBREVIATED_TITLES = {
    "gov.": "governor",
    "gov": "governor",
    "sen.": "senator",
    "sen": "senator",
    "rep.": "representative",
    "gen.": "general",
    "prof.": "professor",
    "dr.": "doctor",
    "dr": "doctor",
    "capt.": "captain",
    "lt.": "lieutenant",
    "col.": "colonel",
    "maj.": "major",
    "sgt.": "sergeant",
    "adm.": "admiral",
    "supt.": "superintendent",
    "insp.": "inspector",
    "det.": "detective",
    "atty.": "attorney",
}

# Words of a title that precede a name ("Foreign Minister Maria Lopes", "U.S. President Joe Biden").
TITLE_WORDS = words(
    """
    president vice prime minister foreign defense defence finance interior health economy trade justice
    energy education secretary state deputy chief executive general gen. gen lt. col. maj. sgt. capt.
    adm. admiral colonel major captain sergeant lieutenant senator sen. sen representative rep. rep
    governor gov. gov mayor chancellor king queen prince princess sheikh pope ambassador judge justice
    chairman chairwoman chair commissioner director spokesman spokeswoman spokesperson leader majority
    minority house speaker press attorney first lady mr. mrs. ms. dr. mr mrs ms dr prof. professor rev.
    father sir dame lord lady premier envoy special commander cfo coo founder emir ayatollah sultan
    crown supreme high representative mp congressman congresswoman congressmember councilman
    councilwoman councillor councilor sheriff officer inspector superintendent agent national security
    adviser advisor top senior acting former then-president then-prime then-secretary president-elect
    interim counsel solicitor lawyer economist analyst coach fire police det. detective supt. insp.
    """
)

# Capitalised words that start sentences or clauses but never names.
CAPITALIZED_FUNCTION_WORDS = words(
    """
    in on at after before during when while as but and or so yet also later earlier meanwhile however
    then now today yesterday tonight tomorrow instead separately still asked speaking although though
    because since if once until despite with without by for from of to under over about into through
    this that these those there here it its he she they we i his her their our my your you what why how
    where who which whose asked earlier last next both all some many most several such no not nor
    according in a an separately further furthermore moreover additionally indeed overall nonetheless
    nevertheless elsewhere already again even just only
    """
)

# Lower-case words that never belong to the noun phrase naming a speaker.
NOUN_PHRASE_STOPS = words(
    """
    in on at to from by with about after before during under over into through against between among
    without within since until for of and or but so yet nor as because while when where if though although
    whereas unless than then that which who whom whose what is was are were be been being has have had do
    did does will would can could should may might must not also later earlier previously again once
    repeatedly often he she it they we i you him her them us me his its their our my your there here
    said says told added asked replied wrote according while how why whether
    """
)

# Prepositions that attach a post-modifier to a role noun ("a spokesperson for the ministry").
ROLE_PREPOSITIONS = words("for of at with from in close familiar to within")

# Objects of "told" that are outlets or audiences rather than the person addressed.
AUDIENCE_NOUNS = words(
    """
    reporters journalists correspondents lawmakers supporters crowd audience conference briefing rally
    parliament congress committee hearing interviewer newspaper paper network broadcaster agency
    television radio station podcast viewers listeners readers
    """
)

MEDIA_WORDS = words(
    """
    cnn bbc reuters ap afp nbc abc cbs fox msnbc npr pbs bloomberg politico axios al-jazeera aljazeera
    times post journal news press herald guardian telegraph tribune gazette wire agency television tv
    radio channel broadcaster newspaper network magazine daily
    """
)

# Words that mark a quoted phrase as a name, term or scare quote rather than someone's words.
SCARE_QUOTE_MARKERS = words(
    """
    so-called dubbed termed titled entitled nicknamed named branded labelled labeled coined the-word
    the-phrase the-term called known
    """
)

# Verbs that attribute a quoted fragment to the subject ("called the plan "a disaster"").
FRAGMENT_VERBS = words(
    """
    called calls described describes dismissed dismisses denounced denounces condemned condemns labeled
    labelled branded praised praises hailed hails criticized criticised slammed blasted characterized
    termed dubbed
    """
)

# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = words(
    """
    mr mrs ms dr prof gen lt col maj sgt capt adm cmdr rev sen rep gov st jr sr no vs etc inc corp co ltd
    jan feb mar apr aug sept sep oct nov dec mt ft pres sec dept est approx fig
    """
)

# Plural and singular forms of role nouns, so "the officials" finds "an official".
ROLE_SINGULARS = {
    "officials": "official",
    "spokesmen": "spokesman",
    "spokeswomen": "spokeswoman",
    "spokespeople": "spokesperson",
    "ministers": "minister",
    "diplomats": "diplomat",
    "sources": "source",
    "aides": "aide",
    "advisers": "adviser",
    "advisors": "advisor",
    "analysts": "analyst",
    "experts": "expert",
    "leaders": "leader",
    "lawmakers": "lawmaker",
    "members": "member",
    "people": "person",
    "residents": "resident",
    "witnesses": "witness",
    "negotiators": "negotiator",
    "officers": "officer",
}
