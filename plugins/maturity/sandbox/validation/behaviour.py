"""Archetypes as data: how an organisation's accounts behave, in parameters a reader can
check against the model's words, and what it declares.

Rates are per week, shares are 0..1, latencies are minutes. Every numeric field that
describes behaviour is jittered per seed (:func:`maturity.sandbox.validation.builder.jitter`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

from maturity.sandbox.emulator.world import AccountFunction, Platform
from maturity.sandbox.validation.model_text import passage

Hours = Literal["office", "extended", "always"]
Status = Literal["active", "protected", "suspended", "deleted", "unknown"]
"""``unknown``: named in the registry but not on the platform (the API answers not found)."""
Designed = int | None
"""A phase 1..6, or None for the verdict "insufficient evidence"."""

INSUFFICIENT = "IE"
"""The class of the verdict "insufficient evidence" in the confusion matrix."""


class ArchetypeError(ValueError):
    """An archetype whose data is inconsistent; the message names the archetype and field."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Answering:
    """How the organisation answers the (non-spam) messages this account receives."""

    share: float = 0.0
    """Share of the genuine messages answered."""
    median_minutes: float = 240.0
    """Median time from the moment someone is on duty to the answer."""
    spread: float = 0.8
    """Log-normal sigma of that time: 0.3 is steady, 1.5 is erratic."""
    hours: Hours = "office"
    canned: bool = False
    """One identical text for every answer (an autoresponder) instead of varied, signed text."""
    answers_spam: bool = False
    by: AccountFunction | None = None
    """Another account of the organisation (by function) answers for this one."""
    follow_up: float = 0.0
    """Share of answered conversations in which the account adds a second turn."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSpec:
    function: AccountFunction = AccountFunction.MAIN
    platform: Platform = Platform.X
    status: Status = "active"
    age_days: float = 1700.0
    """Account age at the end of the current window."""
    complete_profile: bool = True
    verified: bool = False
    followers: float = 2000.0
    posts_per_week: float = 5.0
    post_hours: Hours = "office"
    bursty: float = 0.0
    """Share of weeks in which the account posts nothing at all."""
    utm_share: float = 0.0
    """Share of posts with a campaign-tagged (UTM) link."""
    inbound_per_week: float = 2.0
    spam_share: float = 0.0
    answering: Answering = field(default_factory=Answering)
    mention_siblings: float = 0.0
    """Share of posts that name another account of the organisation."""
    bio_links: bool = False
    """The bio names the organisation's other accounts."""
    pinned_links: bool = False
    """A pinned post names the organisation's other accounts."""
    quiet_in_current: bool = False
    """Lapsed: posts and answers stop when the current window starts; messages keep coming."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Declarations:
    """The questionnaire: facts declared up to a phase of the model (its goals, as the
    organisation would answer them); ``truthful`` says whether behaviour backs them."""

    up_to: int = 0
    """0: no questionnaire at all."""
    truthful: bool = True
    departments_share: float | None = None
    """The declared share of departments involved; default from ``up_to``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Archetype:
    id: str
    title: str
    description: str
    """The organisation in the model's words."""
    designed: Designed
    """Phase in the current window, or None for insufficient evidence."""
    passages: tuple[str, ...]
    justification: str
    accounts: tuple[AccountSpec, ...]
    declarations: Declarations = Declarations()
    sector: Literal["municipality", "company"] = "municipality"
    designed_earlier: Designed = None
    """Lapsed archetypes: the designed phase in the earlier window (assessed too)."""
    hard: str | None = None
    """Why this is one of the hard cases, if it is."""

    def __post_init__(self) -> None:
        where = f"archetype '{self.id}'"
        if self.designed is not None and not 1 <= self.designed <= 6:
            raise ArchetypeError(f"{where}: designed phase {self.designed} is not 1..6 or None")
        if not self.accounts:
            raise ArchetypeError(f"{where}: accounts is empty; give at least one AccountSpec")
        for pid in self.passages:
            try:
                passage(pid)
            except KeyError as exc:
                raise ArchetypeError(f"{where}: passages: {exc.args[0]}") from None
        if not self.passages:
            raise ArchetypeError(f"{where}: cite at least one passage of the model")
        functions = [a.function for a in self.accounts if a.platform == Platform.X]
        for a in self.accounts:
            by = a.answering.by
            if by is not None and by not in functions:
                raise ArchetypeError(
                    f"{where}: answering.by '{by}' names no X account of the archetype"
                )
            for f in fields(a):
                value = getattr(a, f.name)
                if isinstance(value, float) and value < 0:
                    raise ArchetypeError(f"{where}: {f.name} = {value} is negative")
