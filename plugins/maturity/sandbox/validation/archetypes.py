"""The archetypes: organisations described in the model's words, each with a designed phase
justified by a passage of the model (ids from :mod:`.model_text`) and behaviour parameters.

Nothing here comes from the rubric. The designed phase is what a reader of the model would
say of the organisation; whether the product agrees is what ``make validate`` measures.
"""

from __future__ import annotations

from dataclasses import replace

from maturity.sandbox.emulator.world import AccountFunction as F
from maturity.sandbox.emulator.world import Platform
from maturity.sandbox.validation.behaviour import (
    AccountSpec,
    Answering,
    Archetype,
    Declarations,
)

SILENT = Answering(share=0.0)
WEBCARE = Answering(share=0.8, median_minutes=120, spread=0.8, hours="office", follow_up=0.2)
FAST_WEBCARE = Answering(share=0.92, median_minutes=35, spread=0.6, hours="extended", follow_up=0.3)
ROUND_THE_CLOCK = Answering(
    share=0.95, median_minutes=20, spread=0.5, hours="always", follow_up=0.35
)
BROADCAST = AccountSpec(posts_per_week=6, utm_share=0.5, inbound_per_week=4, answering=SILENT)
ENGAGED = AccountSpec(
    posts_per_week=8, utm_share=0.5, inbound_per_week=12, followers=6000, answering=WEBCARE
)


def dept(function: F, *, answering: Answering = SILENT, **kw: object) -> AccountSpec:
    """A department's account: fewer posts and messages than the main account."""
    base = AccountSpec(
        function=function, posts_per_week=3, utm_share=0.4, inbound_per_week=2, followers=1500
    )
    return replace(base, answering=answering, **kw)  # type: ignore[arg-type]


def formalized_accounts(answering: Answering = FAST_WEBCARE) -> tuple[AccountSpec, ...]:
    """Hub and spoke: the service account answers for the main one; posts and bios link."""
    by_service = replace(answering, by=F.SERVICE)
    return (
        replace(
            ENGAGED,
            verified=True,
            followers=12000,
            answering=by_service,
            mention_siblings=0.3,
            bio_links=True,
            pinned_links=True,
        ),
        dept(F.SERVICE, answering=answering, inbound_per_week=6, mention_siblings=0.3),
        dept(F.CAREERS, mention_siblings=0.3, bio_links=True),
        dept(F.PRESS, mention_siblings=0.3, bio_links=True),
    )


def strategic_accounts(answering: Answering) -> tuple[AccountSpec, ...]:
    return (
        *formalized_accounts(answering),
        dept(F.REGIONAL, answering=answering, mention_siblings=0.3, bio_links=True),
        dept(F.LEADERSHIP, posts_per_week=2, mention_siblings=0.4, bio_links=True),
        replace(dept(F.SERVICE, answering=answering), platform=Platform.REDDIT),
    )


def _x(*accounts: AccountSpec) -> tuple[AccountSpec, ...]:
    return accounts


ARCHETYPES: tuple[Archetype, ...] = (
    # --- insufficient evidence -------------------------------------------------------------
    Archetype(
        id="protected-only",
        title="Protected accounts only",
        description="The organisation's only accounts are protected: nothing it does on social "
        "media can be seen from outside.",
        designed=None,
        passages=("missing_not_immature",),
        justification="No evidence at all gives insufficient evidence, not phase 1.",
        accounts=_x(replace(ENGAGED, status="protected"), dept(F.SERVICE, status="protected")),
        hard="unreadable accounts",
    ),
    Archetype(
        id="unknown-only",
        title="Accounts that do not exist",
        description="The registry names accounts the platform does not know (renamed or never "
        "created).",
        designed=None,
        passages=("missing_not_immature",),
        justification="Nothing was measured: insufficient evidence.",
        accounts=_x(replace(BROADCAST, status="unknown")),
        hard="unreadable accounts",
    ),
    Archetype(
        id="protected-and-suspended",
        title="Protected and suspended",
        description="One protected account and one suspended one; no readable account.",
        designed=None,
        passages=("missing_not_immature",),
        justification="Nothing readable: insufficient evidence.",
        accounts=_x(
            replace(BROADCAST, status="protected"),
            dept(F.CAREERS, status="suspended"),
        ),
        declarations=Declarations(up_to=1),
        hard="unreadable accounts",
    ),
    # --- phase 1 ---------------------------------------------------------------------------
    Archetype(
        id="dormant-account",
        title="A dormant account",
        description="An account that was set up once, with a bare profile, posts about once a "
        "month and answers nobody; no plan, no pilots, no audit.",
        designed=1,
        passages=("p2.durable", "p1.goals"),
        justification="No durable, professional presence (phase 2 not reached); an account "
        "exists, so the organisation stands at the start of the model.",
        accounts=_x(
            replace(
                BROADCAST,
                complete_profile=False,
                posts_per_week=0.25,
                utm_share=0.0,
                inbound_per_week=0.5,
            )
        ),
    ),
    Archetype(
        id="planning-listener",
        title="Planning: listening and piloting",
        description="The organisation listens, runs a pilot and has set KPIs (declared), and "
        "has one new account that posts now and then.",
        designed=1,
        passages=("p1.goals", "p2.durable"),
        justification="The goals of phase 1 are declared and true; the presence is not yet "
        "durable or professional.",
        accounts=_x(replace(BROADCAST, posts_per_week=0.5, age_days=150, complete_profile=False)),
        declarations=Declarations(up_to=1),
    ),
    Archetype(
        id="irregular-poster",
        title="Posts in bursts",
        description="A complete profile, but posts come in bursts with most weeks silent.",
        designed=1,
        passages=("p2.durable",),
        justification="The presence is not durable: most weeks nothing happens.",
        accounts=_x(replace(BROADCAST, posts_per_week=4, bursty=0.7)),
        declarations=Declarations(up_to=1),
    ),
    Archetype(
        id="new-account",
        title="A brand-new account",
        description="An account opened three weeks before the end of the window, posting and "
        "even answering already.",
        designed=1,
        passages=("p2.durable", "cumulative"),
        justification="Three weeks is not a durable presence; the phases build on each "
        "other, so the answers cannot lift it past phase 2.",
        accounts=_x(replace(ENGAGED, age_days=21)),
        declarations=Declarations(up_to=1),
        hard="account age within the window",
    ),
    Archetype(
        id="lapsed",
        title="Lapsed",
        description="Engaged in the earlier window (regular posts, webcare); quiet since the "
        "current window began: people still ask, nobody answers, nothing is posted.",
        designed=1,
        designed_earlier=3,
        passages=("p2.durable", "p3.support"),
        justification="Earlier: interaction and webcare (phase 3). Now: no durable presence "
        "any more, so phase 1.",
        accounts=_x(replace(ENGAGED, quiet_in_current=True)),
        declarations=Declarations(up_to=1),
        hard="lapsed (two windows)",
    ),
    # --- phase 2 ---------------------------------------------------------------------------
    Archetype(
        id="broadcaster",
        title="A broadcaster",
        description="Professional, complete accounts; regular content that supports marketing, "
        "with campaign links; it does not interact, on purpose.",
        designed=2,
        passages=("p2.durable", "p2.no_interaction"),
        justification="Exactly the presence phase: durable accounts, content, no interaction.",
        accounts=_x(BROADCAST),
        declarations=Declarations(up_to=2),
    ),
    Archetype(
        id="broadcaster-two-accounts",
        title="Broadcasting on two accounts",
        description="A main account and a careers account, both broadcasting, neither answering.",
        designed=2,
        passages=("p2.durable", "p2.no_interaction"),
        justification="Presence on more accounts is still presence without interaction.",
        accounts=_x(BROADCAST, dept(F.CAREERS)),
        declarations=Declarations(up_to=2),
    ),
    Archetype(
        id="declares-all-answers-nobody",
        title="Declares everything, answers nobody",
        description="The questionnaire claims every goal of every phase; the accounts "
        "broadcast and leave every question unanswered.",
        designed=2,
        passages=("p2.no_interaction", "cumulative"),
        justification="Without interaction there is no engagement, and the phases are "
        "cumulative: whatever is declared, the organisation is in phase 2.",
        accounts=_x(replace(BROADCAST, inbound_per_week=10), dept(F.SERVICE)),
        declarations=Declarations(up_to=6, truthful=False),
        hard="corroborated declarations",
    ),
    Archetype(
        id="occasional-answers",
        title="Answers now and then",
        description="A broadcaster that answers about one message in six, days later.",
        designed=2,
        passages=("p2.no_interaction",),
        justification="Interaction is still mostly absent.",
        accounts=_x(
            replace(
                BROADCAST,
                inbound_per_week=10,
                answering=Answering(share=0.17, median_minutes=2000, spread=0.7),
            )
        ),
        declarations=Declarations(up_to=2),
    ),
    Archetype(
        id="slow-answers",
        title="Answers most, but days later",
        description="Answers four in five questions, but typically after three to five days.",
        designed=2,
        passages=("p3.support",),
        justification="Support 'direct and in conversations' is not met by answers that come "
        "days later; the organisation is present, not yet engaged.",
        accounts=_x(
            replace(
                BROADCAST,
                inbound_per_week=10,
                answering=Answering(share=0.8, median_minutes=5000, spread=0.4),
            )
        ),
        declarations=Declarations(up_to=2),
    ),
    Archetype(
        id="spam-flood-silent",
        title="Flooded with spam, silent",
        description="Nine in ten messages are spam; the genuine ones go unanswered.",
        designed=2,
        passages=("p2.no_interaction",),
        justification="A broadcaster that does not interact.",
        accounts=_x(replace(BROADCAST, inbound_per_week=40, spam_share=0.9)),
        declarations=Declarations(up_to=2),
    ),
    Archetype(
        id="autoresponder",
        title="An autoresponder",
        description="Every message, spam included, gets the same canned text within a minute; "
        "no person ever follows up.",
        designed=2,
        passages=("p3.interaction", "p2.no_interaction"),
        justification="A canned reply is no conversation and no support; this is presence.",
        accounts=_x(
            replace(
                BROADCAST,
                inbound_per_week=15,
                spam_share=0.3,
                answering=Answering(
                    share=1.0,
                    median_minutes=1,
                    spread=0.2,
                    hours="always",
                    canned=True,
                    answers_spam=True,
                ),
            )
        ),
        declarations=Declarations(up_to=2),
        hard="autoresponder flag",
    ),
    # --- phase 3 ---------------------------------------------------------------------------
    Archetype(
        id="engaged-municipality",
        title="Webcare in office hours",
        description="Answers most questions within hours during office hours, with varied, "
        "signed answers; trained staff and a risk plan are declared.",
        designed=3,
        passages=("p3.interaction", "p3.support"),
        justification="Conversations and direct support: engagement.",
        accounts=_x(ENGAGED),
        declarations=Declarations(up_to=3),
    ),
    Archetype(
        id="engaged-company",
        title="A company doing webcare",
        description="A company that answers customers quickly in conversations and follows up.",
        designed=3,
        passages=("p3.interaction", "p3.support"),
        justification="Webcare and conversations steering the customer journey.",
        accounts=_x(replace(ENGAGED, answering=FAST_WEBCARE)),
        declarations=Declarations(up_to=3),
        sector="company",
    ),
    Archetype(
        id="engaged-no-questionnaire",
        title="Engaged, no questionnaire",
        description="Behaves like the engaged municipality but returned no questionnaire.",
        designed=3,
        passages=("observed_vs_declared", "p3.support"),
        justification="Phases 1-3 leave traces on the accounts; the traces show engagement.",
        accounts=_x(ENGAGED),
    ),
    Archetype(
        id="small-perfect-responder",
        title="A small perfect responder",
        description="A small account with few messages, each answered within half an hour.",
        designed=3,
        passages=("p3.support", "small_samples"),
        justification="Every question gets direct support; few messages make the estimate "
        "less sure, not the behaviour less mature.",
        accounts=_x(
            replace(
                ENGAGED,
                followers=400,
                posts_per_week=3,
                inbound_per_week=3,
                answering=Answering(share=1.0, median_minutes=25, spread=0.4, hours="extended"),
            )
        ),
        declarations=Declarations(up_to=3),
        hard="volume-independent decision rules",
    ),
    Archetype(
        id="big-broadcaster-answers-all",
        title="A big broadcaster who answers everyone",
        description="Tens of thousands of followers, many posts a week, and every one of the "
        "many questions answered the same day.",
        designed=3,
        passages=("p3.interaction", "p3.support"),
        justification="Interaction at scale; one account, no formal structure declared.",
        accounts=_x(
            replace(
                ENGAGED,
                followers=45000,
                verified=True,
                posts_per_week=40,
                inbound_per_week=60,
                answering=Answering(share=0.98, median_minutes=90, spread=0.7, hours="extended"),
            )
        ),
        declarations=Declarations(up_to=3),
    ),
    Archetype(
        id="spam-flood-engaged",
        title="Flooded with spam, answers every real question",
        description="Seven in ten messages are spam, left alone; nine in ten genuine questions "
        "are answered within two hours.",
        designed=3,
        passages=("p3.support",),
        justification="Direct support for the people who ask; spam is not a question.",
        accounts=_x(
            replace(
                ENGAGED,
                inbound_per_week=40,
                spam_share=0.7,
                answering=replace(WEBCARE, share=0.9, median_minutes=60),
            )
        ),
        declarations=Declarations(up_to=3),
        hard="actionable denominators",
    ),
    Archetype(
        id="reddit-only-engaged",
        title="Engaged on Reddit only",
        description="No X account; on Reddit it posts and answers its community.",
        designed=3,
        passages=("missing_not_immature", "p3.interaction"),
        justification="Judged on the platform that was measured: community conversations.",
        accounts=_x(replace(ENGAGED, platform=Platform.REDDIT, inbound_per_week=8)),
        declarations=Declarations(up_to=3),
    ),
    Archetype(
        id="x-protected-reddit-engaged",
        title="Protected on X, engaged on Reddit",
        description="The X account is protected; the Reddit account answers its community.",
        designed=3,
        passages=("missing_not_immature", "p3.interaction"),
        justification="Judged on what could be read.",
        accounts=_x(
            replace(BROADCAST, status="protected"),
            replace(ENGAGED, platform=Platform.REDDIT, inbound_per_week=8),
        ),
        declarations=Declarations(up_to=3),
    ),
    Archetype(
        id="giant-beyond-caps",
        title="A giant beyond the history caps",
        description="A national service posting and answering dozens of times a day: more "
        "posts and mentions in a window than the X API returns (3,200 and 800).",
        designed=3,
        passages=("p3.support",),
        justification="Webcare at scale; no structure or declarations beyond phase 3.",
        accounts=_x(
            replace(
                ENGAGED,
                followers=250000,
                verified=True,
                posts_per_week=180,
                inbound_per_week=200,
                answering=Answering(share=0.9, median_minutes=45, spread=0.6, hours="extended"),
            )
        ),
        declarations=Declarations(up_to=3),
        sector="company",
        hard="history caps",
    ),
    Archetype(
        id="claims-converged-is-engaged",
        title="Claims convergence, shows engagement",
        description="Declares every goal up to phase 6 but shows one account doing webcare "
        "in office hours.",
        designed=3,
        passages=("p4.structure", "observed_vs_declared"),
        justification="Nothing on the accounts shows a structure across departments; the "
        "declarations are not corroborated.",
        accounts=_x(ENGAGED),
        declarations=Declarations(up_to=6, truthful=False),
        hard="corroborated declarations",
    ),
    Archetype(
        id="many-voices",
        title="Many uncoordinated voices",
        description="Five department accounts, each on its own: no links between them, one "
        "answers in an hour, another after days; the questionnaire claims a structure.",
        designed=3,
        passages=("p4.uncoordinated",),
        justification="The organisation is carried out in different ways without coordination "
        "between departments: the situation phase 4 sets out to end.",
        accounts=_x(
            ENGAGED,
            dept(F.SERVICE, answering=replace(WEBCARE, median_minutes=30), inbound_per_week=6),
            dept(
                F.CAREERS, answering=Answering(share=0.4, median_minutes=4000), inbound_per_week=3
            ),
            dept(F.PRESS),
            dept(
                F.REGIONAL, answering=Answering(share=0.3, median_minutes=3000), inbound_per_week=3
            ),
        ),
        declarations=Declarations(up_to=4, truthful=False),
        hard="corroborated declarations",
    ),
    # --- phase 4 ---------------------------------------------------------------------------
    Archetype(
        id="hub-and-spoke",
        title="Hub and spoke",
        description="A main account with service, careers and press accounts that name each "
        "other; the service account answers for the main one; an ambassador, roles and "
        "a structure are declared.",
        designed=4,
        passages=("p4.structure",),
        justification="A decentral structure with coordination across departments.",
        accounts=formalized_accounts(),
        declarations=Declarations(up_to=4),
    ),
    Archetype(
        id="central-account",
        title="One central account",
        description="One central team speaks for every department through a single account, "
        "answering quickly in extended hours; structure, roles and an ambassador are declared.",
        designed=4,
        passages=("p4.structure",),
        justification="The model allows a central structure ('centraal of decentraal "
        "gestuurde structuur'): one coordinated voice is formalized.",
        accounts=_x(replace(ENGAGED, verified=True, followers=15000, answering=FAST_WEBCARE)),
        declarations=Declarations(up_to=4),
        hard="formalized central structure",
    ),
    Archetype(
        id="linked-in-bios-only",
        title="Linked only in bios",
        description="Main, service and careers accounts that name each other only in their "
        "bios, never in posts; otherwise a coordinated hub and spoke.",
        designed=4,
        passages=("p4.structure",),
        justification="Coordination shows in the profiles; the structure is declared.",
        accounts=tuple(
            replace(a, mention_siblings=0.0, pinned_links=False, bio_links=True)
            for a in formalized_accounts()[:3]
        ),
        declarations=Declarations(up_to=4),
        hard="cross-links in bios",
    ),
    Archetype(
        id="formalized-office-hours",
        title="Formalized, office hours only",
        description="A hub and spoke that answers within a couple of hours, but only on "
        "weekdays in office hours.",
        designed=4,
        passages=("p4.structure",),
        justification="Formal structure and roles; office hours do not undo them.",
        accounts=formalized_accounts(replace(WEBCARE, share=0.88, median_minutes=80)),
        declarations=Declarations(up_to=4),
    ),
    # --- phase 5 ---------------------------------------------------------------------------
    Archetype(
        id="strategic",
        title="Strategic",
        description="Service, careers, press, regional and leadership accounts, linked; fast "
        "webcare also in the evening and at weekends; a roadmap, executive sponsor and "
        "nearly all departments are declared.",
        designed=5,
        passages=("p5.strategic",),
        justification="Social at the strategic level, nearly every department involved.",
        accounts=strategic_accounts(replace(FAST_WEBCARE, hours="always")),
        declarations=Declarations(up_to=5),
    ),
    Archetype(
        id="strategic-company",
        title="A strategic company",
        description="A company whose departments and board post and answer, coordinated; "
        "declared roadmap and all staff aware.",
        designed=5,
        passages=("p5.strategic",),
        justification="Top and all employees know the initiatives.",
        accounts=strategic_accounts(replace(FAST_WEBCARE, hours="always")),
        declarations=Declarations(up_to=5),
        sector="company",
    ),
    # --- phase 6 ---------------------------------------------------------------------------
    Archetype(
        id="converged",
        title="Converged",
        description="Every function has accounts, employees post, answers come around the "
        "clock within the hour on every platform, and the strategy is driven by customer "
        "experience.",
        designed=6,
        passages=("p6.converged",),
        justification="Social woven into every function and process.",
        accounts=(
            *strategic_accounts(ROUND_THE_CLOCK),
            dept(F.EMPLOYEE, posts_per_week=2, mention_siblings=0.3),
            dept(F.EMPLOYEE, posts_per_week=2, mention_siblings=0.3),
        ),
        declarations=Declarations(up_to=6),
    ),
    Archetype(
        id="converged-company",
        title="A converged company",
        description="A company where service, sales, careers, press and leadership all "
        "converse with customers day and night.",
        designed=6,
        passages=("p6.converged",),
        justification="Business is social.",
        accounts=(
            *strategic_accounts(ROUND_THE_CLOCK),
            dept(F.EMPLOYEE, posts_per_week=2, mention_siblings=0.3),
        ),
        declarations=Declarations(up_to=6),
        sector="company",
    ),
)


def archetype(archetype_id: str) -> Archetype:
    for a in ARCHETYPES:
        if a.id == archetype_id:
            return a
    raise KeyError(f"unknown archetype '{archetype_id}'")
