"""A deterministic, seeded world generator whose organisations span the six maturity phases.

=====  ==========  ===========================================================================
Phase  Name        What the generated organisation does
=====  ==========  ===========================================================================
1      Planning    one dormant account, a post a month, never answers, incomplete profile
2      Presence    complete profile, regular broadcasting with UTM-tagged links, rarely answers
3      Engagement  answers most mentions within hours, in office hours
4      Formalized  a service account handles webcare within hours; careers account; verified
5      Strategic   service, careers, press and regional accounts that mention each other and
                   the main account (hub and spoke); answers within two hours, evenings and
                   weekends too; campaign hashtags; moderates the local subreddit
6      Converged   all of 5 plus leadership and employee accounts; 24/7 webcare within an hour
=====  ==========  ===========================================================================

Every organisation draws from its own ``random.Random`` seeded by ``(seed, index)``, so the same
seed gives a byte-identical world (see ``worldfile.world_to_json``).
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from maturity.gcpause import paused_gc
from maturity.sandbox.emulator import vocab
from maturity.sandbox.emulator.world import (
    NO_METRICS,
    AccountFunction,
    AccountStatus,
    Inbound,
    InboundKind,
    Metrics,
    OrgAnswer,
    OrgKind,
    Platform,
    PostType,
    Subreddit,
    World,
    WorldAccount,
    WorldOrganisation,
    WorldPost,
)

T = TypeVar("T")
F = AccountFunction
LOCAL_OFFSET = timedelta(hours=1)
"""Office hours are judged in CET (UTC+1); daylight saving time is ignored."""
PHASE_SHARES = (0.12, 0.22, 0.24, 0.18, 0.14, 0.10)


@dataclass(frozen=True)
class Profile:
    """How an organisation in one phase behaves."""

    phase: int
    departments: tuple[AccountFunction, ...] = ()
    regional: int = 0
    leadership: float = 0.0
    employees: int = 0
    main_rate: float = 0.03
    dept_rate: float = 0.0
    inbound_rate: float = 0.1
    reply_rate: float = 0.0
    delay_minutes: tuple[float, float] = (60.0, 600.0)
    hours: str = "office"
    complete: float = 1.0
    link_rate: float = 0.0
    utm_rate: float = 0.0
    hashtag_rate: float = 0.0
    campaign: bool = False
    verified: float = 0.0
    cross_mention: float = 0.0
    repost_rate: float = 0.0
    service_answers: bool = False
    reddit: float = 0.0
    reddit_rate: float = 0.0
    reddit_reply: float = 0.0
    moderates: bool = False
    followers: tuple[int, int] = (50, 500)


PROFILES: dict[int, Profile] = {
    1: Profile(1, main_rate=0.03, inbound_rate=0.08, complete=0.15, link_rate=0.2),
    2: Profile(
        2,
        main_rate=0.45,
        inbound_rate=0.25,
        reply_rate=0.12,
        delay_minutes=(1440.0, 5760.0),
        link_rate=0.6,
        utm_rate=0.7,
        hashtag_rate=0.3,
        reddit=0.25,
        reddit_rate=0.04,
        followers=(500, 3000),
    ),
    3: Profile(
        3,
        departments=(),
        main_rate=0.6,
        inbound_rate=0.6,
        reply_rate=0.72,
        delay_minutes=(45.0, 480.0),
        link_rate=0.6,
        utm_rate=0.85,
        hashtag_rate=0.45,
        verified=0.3,
        reddit=0.35,
        reddit_rate=0.06,
        reddit_reply=0.5,
        followers=(2000, 8000),
    ),
    4: Profile(
        4,
        departments=(F.SERVICE, F.CAREERS),
        main_rate=0.7,
        dept_rate=0.12,
        inbound_rate=0.9,
        reply_rate=0.86,
        delay_minutes=(20.0, 240.0),
        hours="extended",
        link_rate=0.65,
        utm_rate=0.92,
        hashtag_rate=0.6,
        verified=1.0,
        repost_rate=0.1,
        service_answers=True,
        reddit=0.5,
        reddit_rate=0.08,
        reddit_reply=0.75,
        followers=(5000, 15000),
    ),
    5: Profile(
        5,
        departments=(F.SERVICE, F.CAREERS, F.PRESS),
        regional=1,
        leadership=0.5,
        main_rate=0.8,
        dept_rate=0.15,
        inbound_rate=1.2,
        reply_rate=0.92,
        delay_minutes=(10.0, 120.0),
        hours="extended",
        link_rate=0.7,
        utm_rate=0.97,
        hashtag_rate=0.75,
        campaign=True,
        verified=1.0,
        cross_mention=0.35,
        repost_rate=0.25,
        service_answers=True,
        reddit=0.7,
        reddit_rate=0.1,
        reddit_reply=0.85,
        moderates=True,
        followers=(8000, 30000),
    ),
    6: Profile(
        6,
        departments=(F.SERVICE, F.CAREERS, F.PRESS),
        regional=2,
        leadership=1.0,
        employees=2,
        main_rate=1.0,
        dept_rate=0.18,
        inbound_rate=1.6,
        reply_rate=0.96,
        delay_minutes=(3.0, 55.0),
        hours="always",
        link_rate=0.7,
        utm_rate=1.0,
        hashtag_rate=0.85,
        campaign=True,
        verified=1.0,
        cross_mention=0.5,
        repost_rate=0.35,
        service_answers=True,
        reddit=0.9,
        reddit_rate=0.12,
        reddit_reply=0.95,
        moderates=True,
        followers=(15000, 60000),
    ),
}


# --- names ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    base: str
    """The place part, e.g. ``Nieuw-Proefdorp``."""
    sector: tuple[str, str] | None

    @property
    def ascii(self) -> str:
        return self.base.replace("-", "")

    @property
    def display(self) -> str:
        return f"{self.base} {self.sector[0]}" if self.sector else f"Gemeente {self.base}"

    @property
    def slug(self) -> str:
        suffix = f"-{self.sector[1]}" if self.sector else ""
        prefix = "" if self.sector else "gemeente-"
        return (prefix + self.base + suffix).lower()


def _names(n: int, rng: random.Random) -> list[_Name]:
    places = [
        p + s.lower().capitalize() + x if p else s + x
        for p in vocab.PREFIXES
        for s in vocab.STEMS
        for x in vocab.SUFFIXES
    ]
    rng.shuffle(places)
    out: list[_Name] = []
    for i in range(n):
        place = places[i % len(places)]
        if i >= len(places):
            place = f"{place}{i // len(places) + 1}"
        sector = vocab.SECTORS[rng.randrange(len(vocab.SECTORS))] if i % 10 == 9 else None
        out.append(_Name(place, sector))
    return out


def _phases(n: int, rng: random.Random) -> list[int]:
    """Phases in proportion to PHASE_SHARES, every phase present once n >= 6."""
    counts = [max(1, math.floor(share * n)) if n >= 6 else 0 for share in PHASE_SHARES]
    by_remainder = sorted(range(6), key=lambda p: (-(PHASE_SHARES[p] * n % 1), p))
    i = 0
    while sum(counts) < n:
        counts[by_remainder[i % 6]] += 1
        i += 1
    while sum(counts) > n:
        counts[counts.index(max(counts))] -= 1
    phases = [p + 1 for p, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(phases)
    return phases


class _Handles:
    """Unique handles per platform, trimmed to the platform's length limit."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def make(self, prefix: str, base: str, suffix: str, limit: int) -> str:
        room = max(1, limit - len(prefix) - len(suffix))
        stem = (prefix + base.lower()[:room] + suffix)[:limit]
        handle, n = stem, 1
        while handle.lower() in self.taken:
            n += 1
            handle = stem[: limit - len(str(n))] + str(n)
        self.taken.add(handle.lower())
        return handle


# --- time -------------------------------------------------------------------------------------


def _local(t: datetime) -> datetime:
    return t + LOCAL_OFFSET


def _on_duty(t: datetime, hours: str) -> bool:
    local = _local(t)
    if hours == "office":
        return local.weekday() < 5 and 8 <= local.hour < 17
    if hours == "extended":
        return 7 <= local.hour < 22
    return True


def _next_duty(t: datetime, hours: str, rng: random.Random) -> datetime:
    """When someone on duty first sees a message that arrived at ``t``."""
    if _on_duty(t, hours):
        return t
    local = _local(t)
    opening = 8 if hours == "office" else 7
    day = local.replace(hour=opening, minute=0, second=0, microsecond=0)
    if local.hour >= opening:
        day += timedelta(days=1)
    while hours == "office" and day.weekday() >= 5:
        day += timedelta(days=1)
    return day - LOCAL_OFFSET + timedelta(minutes=rng.uniform(0, 45))


def _moment(rng: random.Random, start: datetime, span: float, hours: str) -> datetime:
    t = start
    for _ in range(12):
        t = start + timedelta(seconds=int(rng.random() * span))
        if _on_duty(t, hours):
            break
    return t


def _person_moment(rng: random.Random, start: datetime, span: float) -> datetime:
    """Third parties post at any time, less at night."""
    t = start
    for _ in range(6):
        t = start + timedelta(seconds=int(rng.random() * span))
        if 7 <= _local(t).hour <= 23 or rng.random() < 0.25:
            break
    return t


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def _count(rng: random.Random, expected: float) -> int:
    x = expected * rng.uniform(0.75, 1.25)
    whole = int(x)
    return whole + (1 if rng.random() < x - whole else 0)


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


class _Slots(dict[str, str]):
    """Template values drawn only when a template uses them."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        pools: dict[str, Sequence[str]] = {
            "month": vocab.MONTHS,
            "day": vocab.DAYS,
            "street": vocab.STREETS,
            "district": vocab.DISTRICTS_TITLE,
            "topic": vocab.TOPICS,
        }
        return _pick(self.rng, pools[key])


# --- drafts -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    created_at: datetime
    text: str
    type: PostType = PostType.ORIGINAL
    target: str | None = None
    key: str | None = None
    title: str | None = None
    subreddit: str | None = None
    link: str | None = None
    metrics: Metrics = NO_METRICS

    def post(self) -> WorldPost:
        return WorldPost(
            created_at=self.created_at,
            text=self.text,
            type=self.type,
            key=self.key,
            target=self.target,
            title=self.title,
            subreddit=self.subreddit,
            link=self.link,
            metrics=self.metrics,
        )


@dataclass
class _AccountDraft:
    platform: Platform
    handle: str
    function: AccountFunction
    created_at: datetime
    display_name: str
    description: str = ""
    url: str | None = None
    location: str = ""
    profile_image_url: str | None = None
    banner_url: str | None = None
    verified: bool = False
    status: AccountStatus = AccountStatus.ACTIVE
    followers: int = 0
    following: int = 0
    listed: int = 0
    pinned: str | None = None
    posts: list[_Draft] = field(default_factory=list)
    inbound: list[Inbound] = field(default_factory=list)

    def account(self) -> WorldAccount:
        self.posts.sort(key=lambda d: d.created_at)
        self.inbound.sort(key=lambda m: m.created_at)
        return WorldAccount(
            platform=self.platform,
            handle=self.handle,
            function=self.function,
            created_at=self.created_at,
            display_name=self.display_name,
            description=self.description,
            url=self.url,
            location=self.location,
            profile_image_url=self.profile_image_url,
            banner_url=self.banner_url,
            verified=self.verified,
            status=self.status,
            followers=self.followers,
            following=self.following,
            listed=self.listed,
            pinned=self.pinned,
            posts=tuple(d.post() for d in self.posts),
            inbound=tuple(self.inbound),
        )


# --- one organisation -------------------------------------------------------------------------


class _OrgBuilder:
    def __init__(
        self,
        index: int,
        name: _Name,
        phase: int,
        seed: int,
        start: datetime,
        end: datetime,
        x_handles: _Handles,
        reddit_handles: _Handles,
    ) -> None:
        self.rng = random.Random(f"{seed}:{index}")
        self.name = name
        self.profile = PROFILES[phase]
        self.start, self.end = start, end
        self.span = (end - start).total_seconds()
        self.days = self.span / 86_400
        self.x_handles, self.reddit_handles = x_handles, reddit_handles
        self.prefix = f"o{index}"
        self._keys = 0
        self.website = f"https://www.{name.slug}.example"
        self.campaign = f"{name.ascii}{start.year}"

    def new_key(self) -> str:
        self._keys += 1
        return f"{self.prefix}.{self._keys}"

    def key(self, draft: _Draft) -> str:
        if draft.key is None:
            draft.key = self.new_key()
        return draft.key

    # text

    def fill(self, template: str) -> str:
        if "{" not in template:
            return template
        return template.format_map(_Slots(self.rng))

    def link(self, topic: str, source: str) -> str:
        p = self.profile
        url = f"{self.website}/{topic}/{100 + int(self.rng.random() * 9900)}"
        if self.rng.random() < p.utm_rate:
            campaign = self.campaign if p.campaign else topic
            url += f"?utm_source={source}&utm_medium=social&utm_campaign={campaign.lower()}"
        return url

    def decorate(self, text: str, topic: str, source: str) -> str:
        p, r = self.profile, self.rng
        if r.random() < p.link_rate:
            text += " " + self.link(topic, source)
        if r.random() < p.hashtag_rate:
            text += " #" + vocab.HASHTAGS_BY_TOPIC.get(topic, topic)
            if p.campaign and r.random() < 0.5:
                text += " #" + self.campaign
        return text

    def metrics(self, followers: int, *, reddit: bool = False) -> Metrics:
        r = self.rng
        spread = math.exp(3.0 * r.random() - 1.5)
        if reddit:
            score = int(3 * spread)
            return (
                NO_METRICS
                if score == 1
                else Metrics(score=score, upvote_ratio=round(0.6 + 0.4 * r.random(), 2))
            )
        likes = int(max(followers, 50) * 0.002 * spread)
        if likes == 0:
            return NO_METRICS
        share = r.random()
        return Metrics(
            likes=likes,
            reposts=int(likes * 0.3 * share),
            replies=int(likes * 0.1 * (1 - share)),
            quotes=int(likes * 0.05 * share),
            bookmarks=int(likes * 0.08 * (1 - share)),
            impressions=int(followers * (0.05 + 0.35 * share)) + likes * 40,
        )

    # accounts

    def x_account(
        self, function: AccountFunction, handle: str, display: str, bio: str, followers: int
    ) -> _AccountDraft:
        p, r = self.profile, self.rng
        created = self.start - timedelta(days=r.randrange(400, 4500))
        complete = r.random() < p.complete
        acc = _AccountDraft(
            Platform.X,
            handle,
            function,
            created,
            display if complete else handle,
            followers=followers,
            following=int(followers * r.uniform(0.01, 0.2)),
            listed=int(followers * r.uniform(0.001, 0.02)),
        )
        if complete:
            acc.description = bio
            acc.url = self.website
            acc.location = f"{self.name.base}, Nederland"
            acc.profile_image_url = (
                f"https://pbs.twimg.com/profile_images/"
                f"{r.randrange(10**17, 10**18)}/{handle}_normal.jpg"
            )
        acc.verified = function == F.MAIN and r.random() < p.verified
        return acc

    def bio(self, function: AccountFunction) -> str:
        p = self.profile
        hours = {
            "office": "Wij lezen mee op werkdagen van 8.30 tot 17.00 uur.",
            "extended": "Webcare dagelijks van 7.00 tot 22.00 uur.",
            "always": "Webcare 24/7, ook in het weekend.",
        }[p.hours]
        who = self.name.display
        return {
            F.MAIN: f"Officieel account van {who}. {hours if p.reply_rate > 0.5 else ''}".strip(),
            F.SERVICE: f"Vragen aan {who}? Wij helpen u graag. {hours}",
            F.CAREERS: f"Werken bij {who}: vacatures, stages en verhalen van collega's.",
            F.PRESS: f"Persberichten en nieuws van {who}. Voor de pers.",
            F.REGIONAL: f"Nieuws uit de wijk van {who}.",
            F.LEADERSHIP: f"Bestuurder bij {who}. Account wordt persoonlijk bijgehouden.",
            F.EMPLOYEE: f"Werkzaam bij {who}. Tweets op persoonlijke titel.",
        }.get(function, who)

    def build(self) -> tuple[WorldOrganisation, Subreddit | None]:
        p, r, name = self.profile, self.rng, self.name
        a = name.ascii
        followers = int(r.uniform(*p.followers) * (2 if name.sector else 1))
        main_handle = (
            self.x_handles.make("", a, name.sector[1], 15)
            if name.sector
            else self.x_handles.make("gem", a, "", 15)
        )
        main = self.x_account(F.MAIN, main_handle, name.display, self.bio(F.MAIN), followers)
        accounts = [main]
        for function in p.departments:
            handle = self.x_handles.make(
                *{
                    F.SERVICE: ("", a, "helpt"),
                    F.CAREERS: ("werkenbij", a, ""),
                    F.PRESS: ("", a, "pers"),
                }[function],
                15,
            )
            label = {F.SERVICE: "Klantenservice", F.CAREERS: "Werken bij", F.PRESS: "Pers"}
            accounts.append(
                self.x_account(
                    function,
                    handle,
                    f"{label[function]} {name.base}",
                    self.bio(function),
                    followers // 6,
                )
            )
        for _ in range(p.regional):
            district = vocab.DISTRICTS[r.randrange(len(vocab.DISTRICTS))]
            handle = self.x_handles.make("", a, district, 15)
            accounts.append(
                self.x_account(
                    F.REGIONAL,
                    handle,
                    f"{name.base} {district}",
                    self.bio(F.REGIONAL),
                    followers // 12,
                )
            )
        if r.random() < p.leadership:
            handle = self.x_handles.make("burg" if not name.sector else "ceo", a, "", 15)
            accounts.append(
                self.x_account(
                    F.LEADERSHIP,
                    handle,
                    f"Bestuurder {name.base}",
                    self.bio(F.LEADERSHIP),
                    followers // 4,
                )
            )
        for _ in range(p.employees):
            first = vocab.FIRST_NAMES[int(r.random() * len(vocab.FIRST_NAMES))]
            handle = self.x_handles.make(first + "_", a, "", 15)
            accounts.append(
                self.x_account(
                    F.EMPLOYEE,
                    handle,
                    first.capitalize(),
                    self.bio(F.EMPLOYEE),
                    r.randrange(50, 900),
                )
            )
        self.x_activity(accounts)
        self.statuses(accounts)
        sub = None
        if r.random() < p.reddit:
            reddit_acc, sub = self.reddit(followers)
            accounts.append(reddit_acc)
        org = WorldOrganisation(
            id=name.slug,
            name=name.display,
            kind=OrgKind.COMPANY if name.sector else OrgKind.MUNICIPALITY,
            phase=p.phase,
            website=self.website,
            accounts=tuple(acc.account() for acc in accounts),
        )
        return org, sub

    def statuses(self, accounts: list[_AccountDraft]) -> None:
        """Deleted, suspended and protected accounts, as real registries contain them."""
        r, p = self.rng, self.profile
        if p.phase == 1 and r.random() < 0.25:
            accounts[0].status = AccountStatus.PROTECTED
        if p.phase <= 2 and r.random() < 0.15:
            status = AccountStatus.DELETED if r.random() < 0.6 else AccountStatus.SUSPENDED
            handle = self.x_handles.make("", self.name.ascii, "old", 15)
            old = self.x_account(F.OTHER, handle, handle, "", r.randrange(10, 300))
            old.status = status
            accounts.append(old)

    # X activity

    def topics(self, function: AccountFunction) -> tuple[tuple[str, str], ...]:
        if function == F.MAIN:
            return vocab.COMPANY_TOPICS if self.name.sector else vocab.MUNICIPAL_TOPICS
        pool = {
            F.SERVICE: vocab.SERVICE_NOTICES,
            F.CAREERS: vocab.CAREERS,
            F.PRESS: vocab.PRESS,
            F.REGIONAL: vocab.REGIONAL,
            F.LEADERSHIP: vocab.LEADERSHIP,
            F.EMPLOYEE: vocab.EMPLOYEE,
        }[function]
        topic = {F.SERVICE: "service", F.CAREERS: "werkenbij", F.PRESS: "pers"}.get(
            function, "nieuws"
        )
        return tuple((topic, t) for t in pool)

    def broadcast(
        self,
        acc: _AccountDraft,
        rate: float,
        main: _AccountDraft | None,
        service: _AccountDraft | None,
    ) -> None:
        p, r = self.profile, self.rng
        topics = self.topics(acc.function)
        hours = "office" if p.hours == "office" else "extended"
        for _ in range(_count(r, rate * self.days)):
            topic, template = _pick(r, topics)
            text = self.decorate(self.fill(template), topic, "twitter")
            if main is not None and acc is not main and r.random() < p.cross_mention:
                text += f" Meer via @{main.handle}"
            elif acc is main and service is not None and r.random() < p.cross_mention:
                text += f" Vragen? @{service.handle}"
            acc.posts.append(
                _Draft(
                    _moment(r, self.start, self.span, hours),
                    text,
                    metrics=self.metrics(acc.followers),
                )
            )

    def x_activity(self, accounts: list[_AccountDraft]) -> None:
        p, r = self.profile, self.rng
        main = accounts[0]
        service = next((a for a in accounts if a.function == F.SERVICE), None)
        for acc in accounts:
            rate = p.main_rate if acc is main else p.dept_rate
            if acc.function in (F.LEADERSHIP, F.EMPLOYEE):
                rate = p.dept_rate * 0.6
            self.broadcast(acc, rate, main if p.cross_mention else None, service)
        self.reposts(accounts)
        self.threads(main)
        self.inbound(main, service, p.inbound_rate)
        if service is not None:
            self.inbound(service, service, p.inbound_rate * 0.4)
        if main.posts and r.random() < (0.5 if p.phase == 2 else 0.85 if p.phase > 2 else 0):
            main.pinned = self.key(main.posts[r.randrange(len(main.posts))])

    def reposts(self, accounts: list[_AccountDraft]) -> None:
        p, r = self.profile, self.rng
        if p.repost_rate <= 0:
            return
        main = accounts[0]
        for acc in accounts[1:]:
            if acc.function == F.OTHER:
                continue
            for src, dst in ((acc, main), (main, acc)):
                for d in list(src.posts):
                    if d.type == PostType.ORIGINAL and r.random() < p.repost_rate / (
                        1 if dst is main else 4
                    ):
                        at = d.created_at + timedelta(minutes=r.uniform(5, 180))
                        if at < self.end:
                            dst.posts.append(
                                _Draft(
                                    at,
                                    "",
                                    PostType.REPOST,
                                    self.key(d),
                                    metrics=self.metrics(dst.followers // 4),
                                )
                            )

    def threads(self, main: _AccountDraft) -> None:
        p, r = self.profile, self.rng
        if p.phase < 4:
            return
        for d in list(main.posts):
            if d.type == PostType.ORIGINAL and r.random() < 0.08:
                at = d.created_at + timedelta(minutes=r.uniform(1, 10))
                if at < self.end:
                    main.posts.append(
                        _Draft(
                            at,
                            "Meer informatie volgt later vandaag.",
                            PostType.REPLY,
                            self.key(d),
                            metrics=self.metrics(main.followers // 3),
                        )
                    )

    def person(self) -> str:
        r = self.rng
        first = vocab.FIRST_NAMES[int(r.random() * len(vocab.FIRST_NAMES))]
        return f"{first}{_pick(r, ('_', '', ''))}{1 + int(r.random() * 9998)}"[:15]

    def inbound(self, acc: _AccountDraft, responder: _AccountDraft | None, rate: float) -> None:
        p, r = self.profile, self.rng
        originals = sorted(
            (d for d in acc.posts if d.type == PostType.ORIGINAL), key=lambda d: d.created_at
        )
        times = [d.created_at for d in originals]
        answerer = responder if (p.service_answers and responder is not None) else acc
        for _ in range(_count(r, rate * self.days)):
            at = _person_moment(r, self.start, self.span)
            praise = r.random() < 0.2
            pool = vocab.INBOUND_PRAISE if praise else vocab.INBOUND_QUESTIONS
            text = self.fill(_pick(r, pool))
            target = None
            before = bisect_left(times, at)
            if before and r.random() < 0.4:
                target = self.key(originals[r.randrange(max(0, before - 20), before)])
            response = None
            if r.random() < p.reply_rate:
                answered = _next_duty(at, p.hours, r) + timedelta(
                    minutes=_log_uniform(r, *p.delay_minutes)
                )
                if answered < self.end:
                    reply = vocab.RESPONSES[3] if praise else _pick(r, vocab.RESPONSES)
                    # signed by an agent, chosen without a draw so the world stays the same
                    reply += f" ^{vocab.SIGNERS[len(acc.inbound) % len(vocab.SIGNERS)]}"
                    response = OrgAnswer(
                        delay=timedelta(seconds=int((answered - at).total_seconds())),
                        text=reply,
                        by=None if answerer is acc else answerer.handle,
                        metrics=self.metrics(answerer.followers // 10),
                    )
            key = None
            if praise and p.phase >= 5 and r.random() < 0.3:
                quoted = at + timedelta(minutes=_log_uniform(r, 10, 600))
                if quoted < self.end:
                    key = self.new_key()
                    acc.posts.append(
                        _Draft(
                            quoted,
                            "Dank voor het compliment!",
                            PostType.QUOTE,
                            key,
                            metrics=self.metrics(acc.followers),
                        )
                    )
            acc.inbound.append(
                Inbound(
                    author=self.person(),
                    created_at=at,
                    text=text,
                    key=key,
                    kind=InboundKind.REPLY if target else InboundKind.MENTION,
                    target=target,
                    metrics=self.metrics(200),
                    response=response,
                )
            )

    # Reddit

    def reddit(self, followers: int) -> tuple[_AccountDraft, Subreddit]:
        p, r, name = self.profile, self.rng, self.name
        community = (name.ascii + (name.sector[0] if name.sector else ""))[:21]
        handle = self.reddit_handles.make(
            "" if name.sector else "Gemeente", name.ascii, name.sector[0] if name.sector else "", 20
        )
        acc = _AccountDraft(
            Platform.REDDIT,
            handle,
            F.MAIN,
            self.start - timedelta(days=r.randrange(200, 3000)),
            name.display,
            description=f"Officieel account van {name.display}.",
            followers=followers // 20,
        )
        if r.random() < p.complete:
            acc.profile_image_url = (
                f"https://styles.redditmedia.com/t5_{r.randrange(10**6, 10**7):x}/avatar.png"
            )
            acc.banner_url = (
                f"https://styles.redditmedia.com/t5_{r.randrange(10**6, 10**7):x}/banner.png"
            )
        if p.phase == 2 and r.random() < 0.1:
            acc.status = AccountStatus.SUSPENDED if r.random() < 0.5 else AccountStatus.DELETED
        mods = [f"{self.person()}_mod"[:20] for _ in range(2)]
        if p.moderates:
            mods.append(handle)
        sub = Subreddit(
            name=community,
            title=f"{name.base} en omgeving",
            description=f"De community van {name.base}.",
            created_at=self.start - timedelta(days=r.randrange(800, 4000)),
            subscribers=r.randrange(300, 25_000),
            moderators=tuple(mods),
        )
        topics = vocab.COMPANY_TOPICS if name.sector else vocab.MUNICIPAL_TOPICS
        hours = "office" if p.hours == "office" else "extended"
        for _ in range(_count(r, p.reddit_rate * self.days)):
            topic, template = _pick(r, topics)
            body = self.fill(template)
            at = _moment(r, self.start, self.span, hours)
            draft = _Draft(
                at,
                body,
                title=body.split(".")[0][:120],
                subreddit=community,
                metrics=self.metrics(0, reddit=True),
            )
            if r.random() < p.link_rate:
                if r.random() < 0.5:
                    draft.link, draft.text = self.link(topic, "reddit"), ""
                else:
                    draft.text += "\n\nMeer informatie: " + self.link(topic, "reddit")
            acc.posts.append(draft)
            for _ in range(_count(r, 1.2)):
                self.reddit_inbound(acc, InboundKind.REPLY, community, draft)
        for _ in range(_count(r, 0.04 * self.days)):
            self.reddit_inbound(acc, InboundKind.POST, community, None)
        for _ in range(_count(r, 0.02 * self.days)):
            self.reddit_inbound(acc, InboundKind.MENTION, community, None)
        return acc, sub

    def reddit_inbound(
        self, acc: _AccountDraft, kind: InboundKind, community: str, target: _Draft | None
    ) -> None:
        p, r = self.profile, self.rng
        if target is not None:
            at = target.created_at + timedelta(minutes=_log_uniform(r, 5, 2880))
        else:
            at = _person_moment(r, self.start, self.span)
        if at >= self.end:
            return
        text = self.fill(_pick(r, vocab.INBOUND_QUESTIONS))
        response = None
        if r.random() < p.reddit_reply:
            answered = _next_duty(at, p.hours, r) + timedelta(
                minutes=_log_uniform(r, p.delay_minutes[0] * 2, p.delay_minutes[1] * 3)
            )
            if answered < self.end:
                response = OrgAnswer(
                    delay=timedelta(seconds=int((answered - at).total_seconds())),
                    text=_pick(r, vocab.RESPONSES)
                    + f" ^{vocab.SIGNERS[len(acc.inbound) % len(vocab.SIGNERS)]}",
                    metrics=self.metrics(0, reddit=True),
                )
        author = self.person().replace("_", "-")
        if len(author) < 3:
            author += "nl"
        acc.inbound.append(
            Inbound(
                author=author,
                created_at=at,
                text=text,
                kind=kind,
                target=self.key(target) if target is not None else None,
                title=text.split("?")[0][:100] if kind == InboundKind.POST else None,
                subreddit=community if target is None else None,
                metrics=self.metrics(0, reddit=True),
                response=response,
            )
        )


def generate_world(
    n_orgs: int,
    seed: int,
    start: datetime,
    end: datetime,
    *,
    fediverse: float = 0.0,
    moved: float = 0.0,
) -> World:
    """``n_orgs`` fictional organisations active between ``start`` and ``end`` (aware);
    about ``fediverse`` of them also on Mastodon and Bluesky, and about ``moved`` of them moved
    from X to Mastodon some weeks before the last 91 days (X silent from then on, the webcare on
    Mastodon; ``WorldOrganisation.moved_at``). See
    :mod:`~maturity.sandbox.emulator.mastodon_world`; 0 keeps worlds as they were."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        raise ValueError("end must be after start")
    if n_orgs < 0:
        raise ValueError("n_orgs cannot be negative")
    from maturity.sandbox.emulator.mastodon_world import add_fediverse, add_moves

    with paused_gc():
        world = add_fediverse(_generate(n_orgs, seed, start, end), fediverse, seed)
        return add_moves(world, moved, seed)


def _generate(n_orgs: int, seed: int, start: datetime, end: datetime) -> World:
    rng = random.Random(f"{seed}:world")
    names = _names(n_orgs, rng)
    phases = _phases(n_orgs, rng)
    x_handles, reddit_handles = _Handles(), _Handles()
    orgs: list[WorldOrganisation] = []
    subs: list[Subreddit] = []
    seen_subs: set[str] = set()
    for i in range(n_orgs):
        org, sub = _OrgBuilder(
            i, names[i], phases[i], seed, start, end, x_handles, reddit_handles
        ).build()
        orgs.append(org)
        if sub is not None and sub.name.lower() not in seen_subs:
            seen_subs.add(sub.name.lower())
            subs.append(sub)
    return World(seed=seed, start=start, end=end, organisations=tuple(orgs), subreddits=tuple(subs))
