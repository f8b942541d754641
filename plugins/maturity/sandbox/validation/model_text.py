"""The passages of the maturity model that justify each archetype's designed phase.

Quotes are from the Dutch seed text (``/work/shared/seed/000_3fd4f3cea440358c.txt``, "Social
Business Strategie Maturity Matrix") and from the project's English summary of the model
(``maturity-model.md`` in the shared docs, not in this repository); phase 6 comes from the
published Altimeter model, since the seed stops inside phase 5. Each passage has an id that
archetypes cite.
"""

from __future__ import annotations

from dataclasses import dataclass

SEED = "seed 000_3fd4f3cea440358c.txt"
SUMMARY = "maturity-model.md (the project's English summary, shared docs)"


@dataclass(frozen=True, slots=True)
class Passage:
    id: str
    source: str
    where: str
    quote: str


PASSAGES: dict[str, Passage] = {
    p.id: p
    for p in (
        Passage(
            "p1.goals",
            SEED,
            "Fase 1 Planning",
            "Het luisteren naar klanten om hun sociaal gedrag te ontdekken [...] De inzet van "
            "pilotprojecten [...] Het gebruik van audits om te bepalen in welke mate de interne "
            "organisatie gereed is [...] Verder moeten ook de KPI's vastgesteld worden.",
        ),
        Passage(
            "p2.durable",
            SEED,
            "Fase 2 Presence",
            "Hier gaat het om het creëren van een duurzame aanwezigheid op social media. Het "
            "gaat om het inrichten van social media accounts, op zo'n manier dat deze een "
            "professionele en formele uitstraling van de organisatie uitdragen.",
        ),
        Passage(
            "p2.no_interaction",
            SEED,
            "Fase 2 Presence",
            "Opvallend in deze stap is dat interactie met de doelgroep uitblijft en uit moet "
            "blijven. Er mogen nog geen verwachtingen worden geschapen tn aanzien van het "
            "reactiebeleid of de interactie met de doelgroep.",
        ),
        Passage(
            "p3.interaction",
            SEED,
            "Fase 3 Engagement",
            "er niet meer aan pootje baden gedaan kan worden, maar er een duik moet worden "
            "genomen in de wereld van de interactie. [...] Het zorgen voor online conversaties "
            "of er aan deelnemen om zo een community op te bouwen",
        ),
        Passage(
            "p3.support",
            SEED,
            "Fase 3 Engagement",
            "Bieden van ondersteuning, zowel direct als binnen conversaties. [...] Doel vd "
            "fase: Prospects richting koopintentie sturen, webcare ondersteuning",
        ),
        Passage(
            "p4.uncoordinated",
            SEED,
            "Fase 4 Formalized",
            "heeft vaak de neiging om de uitvoering binnen één of meerdere afdelingen te "
            "bewerkstelligen, zonder coördinatie tussen afdelingen of met de rest van de "
            "organisatie. Hierdoor is er kans dat de organisatie op verschillende manieren "
            "wordt uitgedragen",
        ),
        Passage(
            "p4.structure",
            SEED,
            "Fase 4 Formalized",
            "Het benoemen van een interne ambassadeur. Het inrichten van een centraal of "
            "decentraal gestuurde structuur voor optimale coördinatie. Het invoeren van "
            "organisatiebrede verantwoordelijkheden.",
        ),
        Passage(
            "p5.strategic",
            SEED,
            "Fase 5 Strategic",
            "In deze fase wordt het gebruik van social media naar het strategische "
            "organisatieniveau getild. De top en alle medewerkers zijn op de hoogte van de "
            "ondernomen initiatieven [...] Vrijwel elke afdeling heeft ermee te maken.",
        ),
        Passage(
            "p6.converged",
            SUMMARY,
            "phase 6 Converged (Altimeter)",
            '"business is social": social is woven into the fabric of every function and '
            "process, driven by customer experience",
        ),
        Passage(
            "cumulative",
            SEED,
            "Social Business Strategie Maturity Matrix",
            "In het model staan 6 opeenvolgende volwassenheidsfasen [...] Binnen elke fase kan "
            "een bedrijf het optimale uit social media halen om een volgende fase te bereiken.",
        ),
        Passage(
            "observed_vs_declared",
            SUMMARY,
            "What can be observed, and what must be declared",
            "Phases 1-3 leave traces on the organisation's own accounts; phases 4-6 are mostly "
            "internal and show only through proxies. A good assessment uses both kinds of "
            "evidence and says which is which.",
        ),
        Passage(
            "missing_not_immature",
            SUMMARY,
            "Scoring semantics users will expect",
            "Missing data is not immaturity: an organisation with no X account or no access to "
            "Reddit is judged on the platforms that were measured [...] No evidence at all "
            'gives "insufficient evidence", not phase 1.',
        ),
        Passage(
            "small_samples",
            SUMMARY,
            "Scoring semantics users will expect",
            "Small samples are not proof: a response rate from 3 mentions is uncertain.",
        ),
    )
}


def passage(passage_id: str) -> Passage:
    try:
        return PASSAGES[passage_id]
    except KeyError:
        known = ", ".join(sorted(PASSAGES))
        raise KeyError(f"unknown model passage '{passage_id}'; known: {known}") from None
