"""Archetypes -> an emulator world: one organisation per archetype, behaviour jittered per seed.

The world spans two assessment windows of :data:`WINDOW_DAYS` each, the *earlier* and the
*current* one, so that a lapsed organisation shows what it did before it went quiet. Every
organisation draws from its own ``random.Random`` seeded by ``(seed, archetype id)``: adding
an archetype leaves the others' worlds as they were.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from maturity.sandbox.emulator import vocab
from maturity.sandbox.emulator.world import (
    AccountFunction,
    AccountStatus,
    Inbound,
    InboundKind,
    Metrics,
    OrgAnswer,
    OrgKind,
    Platform,
    PostType,
    World,
    WorldAccount,
    WorldOrganisation,
    WorldPost,
)
from maturity.sandbox.validation.behaviour import AccountSpec, Answering, Archetype, Hours

T = TypeVar("T")
F = AccountFunction
END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW_DAYS = 91
"""The product's default lookback (13 weeks)."""
LOCAL = timedelta(hours=1)
"""Hours are judged in CET (UTC+1)."""
CANNED = (
    "Bedankt voor uw bericht! Wij reageren binnen vijf werkdagen. Dit is een automatisch antwoord."
)
SIGNERS = ("Anne", "Joris", "Fatima", "Bram", "Sanne", "Youssef", "Lotte", "Ruben")
SPAM = (
    "Gratis iPhone 17 voor de eerste 100 volgers! Klik hier: https://win-nu.example/{n}",
    "Verdien €5000 per week vanuit huis!! DM mij https://snel-rijk.example/{n}",
    "Koop 10.000 volgers voor €9,99 https://volgers-kopen.example/{n}",
    "🔥🔥 Crypto signalen, 300% winst gegarandeerd https://crypto-tips.example/{n}",
)
HANDLE_PART = {
    F.MAIN: "",
    F.SERVICE: "help",
    F.CAREERS: "jobs",
    F.PRESS: "pers",
    F.REGIONAL: "wijk",
    F.LEADERSHIP: "burg",
    F.EMPLOYEE: "mw",
    F.OTHER: "x",
}
SHARES = frozenset({"share", "spam_share", "utm_share", "mention_siblings", "bursty", "follow_up"})
"""Jittered fields that are shares: kept within 0..1."""


@dataclass(frozen=True, slots=True)
class Windows:
    earlier_start: datetime
    current_start: datetime
    end: datetime


def windows(end: datetime = END, days: int = WINDOW_DAYS) -> Windows:
    span = timedelta(days=days)
    return Windows(end - 2 * span, end - span, end)


# --- jitter -------------------------------------------------------------------------------


def _jitter_fields(obj: T, rng: random.Random, amount: float) -> T:
    changes: dict[str, object] = {}
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if isinstance(value, bool) or not isinstance(value, float | int):
            continue
        new = value * rng.uniform(1 - amount, 1 + amount)
        if f.name in SHARES:
            new = min(1.0, max(0.0, new))
        changes[f.name] = float(new)
    return replace(obj, **changes)  # type: ignore[type-var]


def jitter(arch: Archetype, rng: random.Random, amount: float = 0.2) -> Archetype:
    """Every behaviour parameter times a factor drawn from ``1 ± amount`` (shares capped at
    1), so that seeds land on both sides of whatever thresholds the product uses."""
    if amount == 0:
        return arch
    accounts = tuple(
        replace(
            _jitter_fields(a, rng, amount),
            answering=_jitter_fields(a.answering, rng, amount),
        )
        for a in arch.accounts
    )
    share = arch.declarations.departments_share
    declarations = arch.declarations
    if share is not None:
        declarations = replace(
            declarations, departments_share=min(1.0, share * rng.uniform(1 - amount, 1 + amount))
        )
    return replace(arch, accounts=accounts, declarations=declarations)


# --- time ---------------------------------------------------------------------------------


def on_duty(t: datetime, hours: Hours) -> bool:
    local = t + LOCAL
    if hours == "office":
        return local.weekday() < 5 and 8 <= local.hour < 17
    if hours == "extended":
        return 7 <= local.hour < 22
    return True


def next_duty(t: datetime, hours: Hours) -> datetime:
    """The first moment from ``t`` on which someone is on duty (whole hours are enough)."""
    at = t
    while not on_duty(at, hours):
        at = (at + timedelta(hours=1)).replace(minute=0, second=0)
    return at


def _moment(rng: random.Random, start: datetime, days: float, hours: Hours) -> datetime:
    t = start
    for _ in range(16):
        t = start + timedelta(seconds=int(rng.random() * days * 86_400))
        if on_duty(t, hours):
            break
    return t


def _count(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def _pick(rng: random.Random, seq: tuple[T, ...]) -> T:
    return seq[int(rng.random() * len(seq))]


# --- one organisation -----------------------------------------------------------------------


@dataclass
class _Draft:
    spec: AccountSpec
    handle: str
    posts: list[WorldPost] = field(default_factory=list)
    inbound: list[Inbound] = field(default_factory=list)
    pinned: str | None = None


class _OrgBuilder:
    def __init__(self, arch: Archetype, index: int, rng: random.Random, win: Windows) -> None:
        self.arch, self.rng, self.win = arch, rng, win
        self.prefix = f"v{index:02d}"
        self.stem = f"val{index:02d}"
        """The organisation's short name: in every handle, display name and bio."""
        self._keys = 0
        self.website = f"https://www.{arch.id}.example"
        self.drafts = self._handles()

    def key(self) -> str:
        self._keys += 1
        return f"{self.prefix}.{self._keys}"

    def _handles(self) -> list[_Draft]:
        seen: dict[tuple[Platform, str], int] = {}
        out = []
        for spec in self.arch.accounts:
            part = HANDLE_PART[spec.function]
            n = seen.get((spec.platform, part), 0) + 1
            seen[(spec.platform, part)] = n
            suffix = part + (str(n) if n > 1 or spec.function == F.EMPLOYEE else "")
            stem = self.stem if spec.platform == Platform.X else self.stem.capitalize()
            handle = f"{stem}_{suffix}" if suffix else stem
            out.append(_Draft(spec, handle))
        return out

    def by_function(self, function: AccountFunction, platform: Platform) -> _Draft | None:
        return next(
            (d for d in self.drafts if d.spec.function == function and d.spec.platform == platform),
            None,
        )

    def siblings(self, d: _Draft) -> list[_Draft]:
        return [o for o in self.drafts if o is not d and o.spec.platform == d.spec.platform]

    def at_name(self, d: _Draft) -> str:
        return f"@{d.handle}" if d.spec.platform == Platform.X else f"u/{d.handle}"

    # building

    def build(self) -> tuple[WorldOrganisation, list[str]]:
        for d in self.drafts:
            self.posts(d)
        for d in self.drafts:
            self.messages(d)
        accounts = [self.account(d) for d in self.drafts if d.spec.status != "unknown"]
        unknown = [d.handle for d in self.drafts if d.spec.status == "unknown"]
        org = WorldOrganisation(
            id=self.arch.id,
            name=self.arch.title,
            kind=OrgKind.COMPANY if self.arch.sector == "company" else OrgKind.MUNICIPALITY,
            phase=self.arch.designed,
            website=self.website,
            accounts=tuple(accounts),
        )
        return org, unknown

    def created_at(self, spec: AccountSpec) -> datetime:
        return self.win.end - timedelta(days=spec.age_days)

    def account(self, d: _Draft) -> WorldAccount:
        spec = d.spec
        complete = spec.complete_profile
        name = self.stem.capitalize()
        bio = f"Officieel account van {name}."
        if spec.function in (F.LEADERSHIP, F.EMPLOYEE):
            bio = f"{'Bestuurder' if spec.function == F.LEADERSHIP else 'Werkt'} bij {name}."
        if spec.bio_links:
            bio += " Ook op " + " ".join(self.at_name(o) for o in self.siblings(d)) + "."
        d.posts.sort(key=lambda p: p.created_at)
        d.inbound.sort(key=lambda m: m.created_at)
        return WorldAccount(
            platform=spec.platform,
            handle=d.handle,
            created_at=self.created_at(spec),
            function=spec.function,
            display_name=f"{self.stem.capitalize()} {HANDLE_PART[spec.function]}".strip(),
            description=bio if complete else "",
            url=self.website if complete else None,
            location="Nederland" if complete else "",
            profile_image_url=f"{self.website}/avatar-{d.handle}.png" if complete else None,
            banner_url=f"{self.website}/banner.png"
            if complete and spec.platform == Platform.REDDIT
            else None,
            verified=spec.verified,
            status=AccountStatus(spec.status),
            followers=int(spec.followers),
            following=int(spec.followers * 0.05),
            listed=int(spec.followers * 0.01),
            pinned=d.pinned,
            posts=tuple(d.posts),
            inbound=tuple(d.inbound),
        )

    def metrics(self, spec: AccountSpec, factor: float = 1.0) -> Metrics:
        r = self.rng
        spread = math.exp(r.gauss(0, 0.8))
        if spec.platform == Platform.REDDIT:
            return Metrics(score=max(1, int(5 * spread)), upvote_ratio=0.9)
        base = spec.followers * 0.002 * factor * spread
        return Metrics(
            likes=int(base),
            reposts=int(base * 0.2),
            replies=int(base * 0.1),
            impressions=int(spec.followers * 0.3 * spread),
        )

    def active_from(self, spec: AccountSpec) -> datetime:
        """Only archetypes judged in the earlier window too act in it (saves half the world)."""
        first = self.win.earlier_start if self.arch.designed_earlier else self.win.current_start
        return max(first, self.created_at(spec))

    def active_until(self, spec: AccountSpec) -> datetime:
        return self.win.current_start if spec.quiet_in_current else self.win.end

    def text(self, spec: AccountSpec) -> str:
        pools = {
            F.SERVICE: vocab.SERVICE_NOTICES,
            F.CAREERS: vocab.CAREERS,
            F.PRESS: vocab.PRESS,
            F.REGIONAL: vocab.REGIONAL,
            F.LEADERSHIP: vocab.LEADERSHIP,
            F.EMPLOYEE: vocab.EMPLOYEE,
        }
        if spec.function in pools:
            template = _pick(self.rng, pools[spec.function])
        else:
            topics = (
                vocab.COMPANY_TOPICS if self.arch.sector == "company" else vocab.MUNICIPAL_TOPICS
            )
            template = _pick(self.rng, topics)[1]
        return template.format(
            month=_pick(self.rng, vocab.MONTHS),
            day=_pick(self.rng, vocab.DAYS),
            street=_pick(self.rng, vocab.STREETS),
            district=_pick(self.rng, vocab.DISTRICTS_TITLE),
            topic=_pick(self.rng, vocab.TOPICS),
        )

    def posts(self, d: _Draft) -> None:
        spec, r = d.spec, self.rng
        start, until = self.active_from(spec), self.active_until(spec)
        week = start
        while week < until:
            days = min(7.0, (until - week).total_seconds() / 86_400)
            if r.random() >= spec.bursty:
                rate = spec.posts_per_week / max(0.05, 1 - spec.bursty)
                for _ in range(_count(r, rate * days / 7)):
                    self.post(d, _moment(r, week, days, spec.post_hours))
            week += timedelta(days=7)
        if spec.pinned_links and d.posts:
            names = " ".join(self.at_name(o) for o in self.siblings(d))
            key = self.key()
            d.posts.append(
                WorldPost(
                    created_at=start + timedelta(hours=10),
                    text=f"Al onze accounts op een rij: {names}",
                    key=key,
                    title="Onze accounts" if spec.platform == Platform.REDDIT else None,
                    metrics=self.metrics(spec),
                )
            )
            d.pinned = key

    def post(self, d: _Draft, at: datetime) -> None:
        spec, r = d.spec, self.rng
        text = self.text(spec)
        if r.random() < spec.utm_share:
            text += (
                f" {self.website}/nieuws/{r.randrange(100, 9999)}"
                f"?utm_source=social&utm_medium={spec.platform}&utm_campaign={self.arch.id}"
            )
        siblings = self.siblings(d)
        if siblings and r.random() < spec.mention_siblings:
            text += f" Meer via {self.at_name(_pick(r, tuple(siblings)))}"
        d.posts.append(
            WorldPost(
                created_at=at,
                text=text,
                key=self.key(),
                title=text.split(".")[0][:100] if spec.platform == Platform.REDDIT else None,
                metrics=self.metrics(spec),
            )
        )

    def person(self, spam: bool) -> str:
        r = self.rng
        first = _pick(r, vocab.FIRST_NAMES)
        name = f"{'promo' if spam else first}{r.randrange(10, 99999)}"
        return name[:15]

    def messages(self, d: _Draft) -> None:
        spec, r = d.spec, self.rng
        start = self.active_from(spec)
        days = (self.win.end - start).total_seconds() / 86_400
        targets = sorted(
            (p for p in d.posts if p.type == PostType.ORIGINAL), key=lambda p: p.created_at
        )
        for _ in range(_count(r, spec.inbound_per_week * days / 7)):
            at = start + timedelta(seconds=int(r.random() * days * 86_400))
            spam = r.random() < spec.spam_share
            before = [p for p in targets[-40:] if p.created_at < at] if targets else []
            target = before[-1 - int(r.random() * min(len(before), 10))] if before else None
            reddit = spec.platform == Platform.REDDIT
            if reddit and target is None:
                continue  # Reddit comments answer the account's submissions
            kind = (
                InboundKind.REPLY
                if target is not None and (reddit or r.random() < 0.4)
                else InboundKind.MENTION
            )
            if spam:
                text = _pick(r, SPAM).format(n=r.randrange(1000, 99999))
            else:
                pool = vocab.INBOUND_PRAISE if r.random() < 0.2 else vocab.INBOUND_QUESTIONS
                text = _pick(r, pool).format(street=_pick(r, vocab.STREETS))
            if kind == InboundKind.MENTION:
                text = f"@{d.handle} {text}"
            key = self.key()
            d.inbound.append(
                Inbound(
                    author=self.person(spam),
                    created_at=at,
                    text=text,
                    kind=kind,
                    key=key,
                    target=target.key if kind == InboundKind.REPLY and target else None,
                    metrics=Metrics(likes=int(r.random() * 3)),
                    response=self.answer(d, at, spam),
                )
            )

    def answer(self, d: _Draft, at: datetime, spam: bool) -> OrgAnswer | None:
        spec, r = d.spec, self.rng
        how: Answering = spec.answering
        if spam and not how.answers_spam:
            return None
        if r.random() >= how.share:
            return None
        answered = next_duty(at, how.hours) + timedelta(
            minutes=how.median_minutes * math.exp(r.gauss(0, how.spread))
        )
        if answered >= self.active_until(spec) or answered >= self.win.end:
            return None
        answerer = d
        if how.by is not None:
            answerer = self.by_function(how.by, spec.platform) or d
        signer = _pick(r, SIGNERS)
        text = CANNED if how.canned else f"{_pick(r, vocab.RESPONSES)} ^{signer}"
        key = self.key()
        if r.random() < how.follow_up:
            follow = answered + timedelta(minutes=5 + r.random() * 120)
            if follow < self.active_until(spec):
                answerer.posts.append(
                    WorldPost(
                        created_at=follow,
                        text=f"Is het inmiddels opgelost? Laat het ons weten. ^{signer}",
                        type=PostType.REPLY,
                        target=key,
                        metrics=self.metrics(answerer.spec, 0.1),
                    )
                )
        return OrgAnswer(
            delay=timedelta(seconds=max(30, int((answered - at).total_seconds()))),
            text=text,
            by=None if answerer is d else answerer.handle,
            key=key,
            metrics=self.metrics(answerer.spec, 0.1),
        )


@dataclass(frozen=True)
class BuiltWorld:
    world: World
    windows: Windows
    archetypes: tuple[Archetype, ...]
    """As jittered for this seed."""
    unknown_accounts: dict[str, list[tuple[str, str, str]]]
    """org id -> [(platform, handle, function)] named in the registry but not on the platform."""
    name_stems: dict[str, str]
    """org id -> the organisation's short name, as a registry would list it."""


def build_world(
    archetypes: tuple[Archetype, ...],
    seed: int,
    *,
    amount: float = 0.2,
    win: Windows | None = None,
) -> BuiltWorld:
    """One organisation per archetype, behaviour jittered by ``amount`` from ``seed``."""
    if not archetypes:
        raise ValueError("build_world: no archetypes given")
    w = win or windows()
    orgs: list[WorldOrganisation] = []
    jittered: list[Archetype] = []
    unknown: dict[str, list[tuple[str, str, str]]] = {}
    for index, arch in enumerate(archetypes):
        rng = random.Random(f"{seed}:{arch.id}")
        a = jitter(arch, rng, amount)
        org, missing = _OrgBuilder(a, index, rng, w).build()
        orgs.append(org)
        jittered.append(a)
        specs = {d.handle: d.spec for d in _OrgBuilder(a, index, random.Random(0), w).drafts}
        unknown[a.id] = [(str(specs[h].platform), h, str(specs[h].function)) for h in missing]
    world = World(seed=seed, start=w.earlier_start, end=w.end, organisations=tuple(orgs))
    stems = {a.id: f"val{i:02d}" for i, a in enumerate(archetypes)}
    return BuiltWorld(world, w, tuple(jittered), {k: v for k, v in unknown.items() if v}, stems)
