"""Fictional names and Dutch text templates for generated worlds.

Place names are compounds of words that no Dutch municipality is named after ("Proefdorp",
"Schetsveld", "Kladblokhaven"); web sites live under the reserved ``.example`` domain.
"""

from __future__ import annotations

STEMS = (
    "Voorbeeld",
    "Proef",
    "Schets",
    "Ontwerp",
    "Model",
    "Droom",
    "Papier",
    "Sjabloon",
    "Fictie",
    "Verzin",
    "Kladblok",
    "Maquette",
    "Bedenk",
    "Concept",
    "Oefen",
    "Probeer",
    "Toets",
    "Gedachte",
    "Verbeeld",
    "Fantasie",
    "Nergens",
    "Zomaar",
    "Wolken",
    "Regenboog",
    "Lantaarn",
    "Kompas",
    "Molenwiek",
    "Tulpen",
    "Klompen",
    "Stroopwafel",
    "Hagelslag",
    "Pepernoot",
    "Kaasschaaf",
    "Fietsbel",
    "Paraplu",
    "Wafel",
    "Spiegel",
    "Vlieger",
    "Knikker",
    "Zeepbel",
)
SUFFIXES = (
    "dorp",
    "veld",
    "wijk",
    "stad",
    "dam",
    "horst",
    "rade",
    "wolde",
    "hoven",
    "meer",
    "burg",
    "sloot",
    "heuvel",
    "dijk",
    "broek",
    "kerk",
    "zand",
    "loo",
    "haven",
    "hoek",
    "brug",
    "beek",
    "woud",
    "oord",
    "lede",
)
PREFIXES = ("", "Nieuw-", "Oud-", "Groot-", "Klein-")
SECTORS = (
    ("Energie", "energie"),
    ("Telecom", "telecom"),
    ("Bank", "bank"),
    ("Verzekeringen", "verz"),
    ("Vervoer", "ov"),
    ("Water", "water"),
    ("Wonen", "wonen"),
    ("Zorg", "zorg"),
)
DISTRICTS = ("noord", "zuid", "oost", "west", "centrum", "haven", "buiten")
DISTRICTS_TITLE = tuple(d.capitalize() for d in DISTRICTS)
TOPICS = ("afval", "zorg", "wonen", "sport", "klimaat")
FIRST_NAMES = (
    "anouk",
    "bram",
    "daan",
    "eva",
    "fenna",
    "gijs",
    "hanna",
    "isa",
    "jesse",
    "joris",
    "julia",
    "kees",
    "lars",
    "lotte",
    "luuk",
    "maartje",
    "milan",
    "noor",
    "olaf",
    "pien",
    "quinten",
    "roos",
    "sanne",
    "sem",
    "thijs",
    "tim",
    "vera",
    "wouter",
    "yara",
    "zoe",
    "ahmed",
    "fatima",
    "mohammed",
    "priya",
    "chen",
    "marek",
    "ingrid",
    "henk",
    "ria",
    "bas",
)
STREETS = (
    "Dorpsstraat",
    "Kerkstraat",
    "Molenweg",
    "Stationsplein",
    "Schoolstraat",
    "Marktplein",
    "Julianalaan",
    "Parklaan",
    "Havenkade",
    "Beukenlaan",
    "Sportlaan",
    "Brugstraat",
)

MUNICIPAL_TOPICS = (
    (
        "afval",
        "De afvalkalender voor {month} staat online. Check wanneer uw container aan de straat mag.",
    ),
    (
        "werkaanweg",
        "Werk aan de weg: de {street} is van {day} tot en met vrijdag afgesloten. "
        "Volg de omleiding.",
    ),
    (
        "raad",
        "Donderdag vergadert de gemeenteraad over de begroting. Kijk live mee of lees de stukken.",
    ),
    ("evenement", "Dit weekend is het Zomerfestival op het Marktplein. Kom je ook?"),
    ("vergunning", "Een evenementenvergunning aanvragen? Doe het minstens 8 weken van tevoren."),
    ("wonen", "Nieuwe woningen in {district}: de inschrijving voor de starterswoningen is open."),
    ("klimaat", "Gratis energiescan voor uw huis? Meld u aan via het Energieloket."),
    ("sport", "De vernieuwde sporthal aan de Sportlaan is geopend!"),
    ("verkiezingen", "Stemmen? Neem uw stempas en een geldig identiteitsbewijs mee."),
    ("groen", "We planten deze maand 300 nieuwe bomen in {district}."),
)
COMPANY_TOPICS = (
    ("nieuws", "Vanaf {month} hebben we nieuwe tarieven. Bekijk wat dit voor u betekent."),
    ("tips", "Vijf tips om uw rekening te verlagen deze winter."),
    ("app", "Onze vernieuwde app staat in de stores. Alles regelen in een paar tikken."),
    ("duurzaam", "Samen naar een duurzamer {district}: ons nieuwe programma."),
    ("klant", "Klanten geven ons een 8,1. Dank jullie wel!"),
)
SERVICE_NOTICES = (
    "Storing in {district}: onze monteurs zijn onderweg. Excuses voor het ongemak.",
    "Let op: de Publiekshal is maandag gesloten. Vragen? Stuur ons een DM.",
    "Vraag over uw aanslag? We helpen u graag, ook via DM.",
    "Vanaf vandaag kunt u online een afspraak maken voor uw paspoort.",
)
CAREERS = (
    "Vacature: beleidsmedewerker {topic} (32-36 uur). Solliciteer voor {day}!",
    "Werken bij ons? Kom naar de open dag en ontmoet je toekomstige collega's.",
    "Vacature: stagiair communicatie. Wij zoeken jou!",
    "Vacature: handhaver openbare ruimte. Reageer snel!",
)
PRESS = (
    "Persbericht: {topic} krijgt extra investering van twee miljoen euro.",
    "Persbericht: college presenteert plannen voor {district}.",
    "Persuitnodiging: opening van het nieuwe {topic}centrum op {day}.",
)
REGIONAL = (
    "Wijkteam {district}: spreekuur dinsdag in het buurthuis.",
    "Wijkschouw in {district} op {day}. Loop mee en praat mee!",
    "Nieuwe speeltuin in {district} is open.",
)
LEADERSHIP = (
    "Vandaag op bezoek bij de vrijwilligers van de voedselbank. Wat een inzet!",
    "Mooi gesprek met ondernemers in {district} over de toekomst van het centrum.",
    "Trots op onze medewerkers die dit weekend klaarstonden.",
)
EMPLOYEE = (
    "Mooie dag gehad met collega's bij het project in {district}.",
    "Vandaag de nieuwe {topic}campagne gelanceerd. Trots op het team!",
    "Kom werken bij ons, leuke collega's gegarandeerd.",
)
INBOUND_QUESTIONS = (
    "Al twee weken ligt er afval naast de container in de {street}. Wordt dit opgeruimd?",
    "Hoe vraag ik een parkeervergunning aan?",
    "Waarom is de {street} weer afgesloten? Niemand wist ervan.",
    "Mijn container is niet geleegd vandaag, wat nu?",
    "Wanneer gaat de Publiekshal weer open?",
    "Lantaarnpaal in de {street} doet het al een week niet.",
    "Kan ik mijn paspoort ook op zaterdag ophalen?",
    "Storing bij jullie? Ik heb al een uur niks.",
)
INBOUND_PRAISE = (
    "Top dat de {street} zo snel is gemaakt, dank!",
    "Wat een mooi festival dit weekend!",
    "Complimenten voor de snelle hulp gisteren.",
)
RESPONSES = (
    "Vervelend om te horen, dank voor de melding! We hebben het doorgezet naar de buitendienst.",
    "Dank voor uw vraag. Kijk op onze website of stuur ons een DM met uw postcode.",
    "Dat klopt niet helemaal. We zoeken het voor u uit en komen erop terug.",
    "Dank u wel, dat horen we graag!",
    "Sorry voor het ongemak. Kunt u ons via DM uw adres sturen?",
)
#: How webcare agents sign their answers (initials or a first name after ``^``), so generated
#: human answers read as human: the same five texts unsigned are what an autoresponder sends.
SIGNERS = ("JdV", "AB", "Sanne", "MK", "Youssef", "Lotte", "PvE")
HASHTAGS_BY_TOPIC = {
    "afval": "afval",
    "werkaanweg": "werkaandeweg",
    "raad": "raad",
    "evenement": "uitagenda",
    "vergunning": "vergunning",
    "wonen": "wonen",
    "klimaat": "duurzaam",
    "sport": "sport",
    "verkiezingen": "verkiezingen",
    "groen": "groen",
    "nieuws": "nieuws",
    "tips": "tips",
    "app": "app",
    "duurzaam": "duurzaam",
    "klant": "klant",
}
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")
