"""A small hand-built world whose numbers the emulator tests assert exactly.

(A uniquely named module rather than conftest, so that other conftest files cannot shadow it.)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from maturity.sandbox.emulator import (
    AccountFunction,
    AccountStatus,
    Inbound,
    InboundKind,
    Metrics,
    OrgAnswer,
    Platform,
    PostType,
    Subreddit,
    World,
    WorldAccount,
    WorldOrganisation,
    WorldPost,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)
MAIN = "gemvoorbeeld"
SERVICE = "voorbeeldhelpt"
REDDIT_MAIN = "GemeenteVoorbeeld"
X_POSTS = 3300
"""More than the 3,200 a timeline reaches; every tenth post is a reply in a self-thread."""
X_MENTIONS = 850
"""More than the 800 a mention timeline reaches."""
R_SUBMISSIONS = 1050
"""More than the 1,000 a listing reaches."""
UTM_LINK = "https://www.voorbeeld.example/afval?utm_source=twitter&utm_medium=social"


def _x_posts() -> tuple[WorldPost, ...]:
    posts = []
    for i in range(X_POSTS):
        at = T0 + timedelta(hours=i)
        if i % 10 == 9:
            posts.append(
                WorldPost(
                    created_at=at,
                    text="Vervolg.",
                    type=PostType.REPLY,
                    target=f"x{i - 1}",
                    key=f"x{i}",
                )
            )
        else:
            posts.append(
                WorldPost(
                    created_at=at,
                    text=f"Bericht {i} {UTM_LINK} #afval",
                    key=f"x{i}",
                    metrics=Metrics(likes=i % 7, reposts=1),
                )
            )
    return tuple(posts)


def _x_inbound() -> tuple[Inbound, ...]:
    out = []
    for i in range(X_MENTIONS):
        at = T0 + timedelta(hours=i * 3, minutes=30)
        response = None
        if i < 5:
            response = OrgAnswer(
                delay=timedelta(minutes=45),
                text="We zoeken het uit.",
                by=SERVICE if i % 2 else None,
                key=f"answer{i}",
            )
        out.append(
            Inbound(
                author=f"burger{i % 50}",
                created_at=at,
                text=f"Vraag {i}: waar blijft de vuilniswagen?",
                key=f"ask{i}",
                response=response,
            )
        )
    return tuple(out)


def _reddit_account() -> WorldAccount:
    posts = [
        WorldPost(
            created_at=T0 + timedelta(hours=2 * i),
            title=f"Nieuws {i}",
            text=f"Tekst {i}",
            subreddit="voorbeeld",
            key=f"r{i}",
            metrics=Metrics(score=i % 13),
        )
        for i in range(R_SUBMISSIONS)
    ]
    posts.append(
        WorldPost(
            created_at=T0 + timedelta(hours=1, minutes=30),
            type=PostType.REPLY,
            target="c1",
            text="Graag gedaan!",
            key="rc-answer",
        )
    )
    inbound = [
        Inbound(
            author="inwoner_a",
            created_at=T0 + timedelta(hours=1),
            kind=InboundKind.REPLY,
            target="r0",
            text="Dank voor het nieuws",
            key="c1",
            metrics=Metrics(score=10),
        ),
        Inbound(
            author="inwoner_b",
            created_at=T0 + timedelta(hours=3),
            kind=InboundKind.REPLY,
            target="r0",
            text="Wanneer start dit?",
            key="c2",
            metrics=Metrics(score=5),
            response=OrgAnswer(delay=timedelta(hours=2), text="Volgende week.", key="c2a"),
        ),
        Inbound(
            author="inwoner_c",
            created_at=T0 + timedelta(hours=4),
            kind=InboundKind.REPLY,
            target="c1",
            text="Eens!",
            key="c3",
            metrics=Metrics(score=3),
        ),
        Inbound(
            author="inwoner_f",
            created_at=T0 + timedelta(hours=2),
            kind=InboundKind.REPLY,
            target="rc-answer",
            text="Top, bedankt!",
            key="c4",
        ),
        Inbound(
            author="inwoner_d",
            created_at=T0 + timedelta(hours=6),
            kind=InboundKind.MENTION,
            subreddit="voorbeeld",
            title="Parkeren bij het station",
            text="Weet u/GemeenteVoorbeeld hoe dit zit?",
            key="m1",
        ),
        Inbound(
            author="inwoner_e",
            created_at=T0 + timedelta(hours=7),
            kind=InboundKind.POST,
            subreddit="voorbeeld",
            title="Gat in de weg",
            text="Wie repareert dit?",
            key="p1",
            response=OrgAnswer(delay=timedelta(minutes=20), text="Wij!"),
        ),
    ]
    inbound += [
        Inbound(
            author=f"lezer{i}",
            created_at=T0 + timedelta(hours=5, minutes=i),
            kind=InboundKind.REPLY,
            target="r1",
            text=f"Reactie {i}",
            key=f"t{i}",
            metrics=Metrics(score=20 - i),
        )
        for i in range(8)
    ]
    return WorldAccount(
        platform=Platform.REDDIT,
        handle=REDDIT_MAIN,
        created_at=T0 - timedelta(days=700),
        display_name="Gemeente Voorbeeld",
        description="Officieel account",
        posts=tuple(posts),
        inbound=tuple(inbound),
    )


def build_small_world() -> World:
    main = WorldAccount(
        platform=Platform.X,
        handle=MAIN,
        created_at=T0 - timedelta(days=3000),
        display_name="Gemeente Voorbeeld",
        description="Officieel account. https://www.voorbeeld.example",
        url="https://www.voorbeeld.example",
        location="Voorbeeld",
        verified=True,
        followers=12_345,
        following=321,
        listed=45,
        pinned="x3",
        profile_image_url="https://pbs.twimg.com/profile_images/1/gemvoorbeeld_normal.jpg",
        posts=_x_posts(),
        inbound=_x_inbound(),
    )
    service = WorldAccount(
        platform=Platform.X,
        handle=SERVICE,
        function=AccountFunction.SERVICE,
        created_at=T0 - timedelta(days=1000),
        display_name="Voorbeeld helpt",
    )
    hidden = [
        WorldAccount(
            platform=Platform.X,
            handle=h,
            created_at=T0 - timedelta(days=500),
            status=s,
            posts=(WorldPost(created_at=T0 + timedelta(hours=1), text="Hallo"),),
        )
        for h, s in (
            ("gemsusp", AccountStatus.SUSPENDED),
            ("gemweg", AccountStatus.DELETED),
            ("gemprive", AccountStatus.PROTECTED),
        )
    ]
    reddit_hidden = [
        WorldAccount(
            platform=Platform.REDDIT,
            handle="OudAccount",
            created_at=T0,
            status=AccountStatus.SUSPENDED,
        ),
        WorldAccount(
            platform=Platform.REDDIT,
            handle="WegAccount",
            created_at=T0,
            status=AccountStatus.DELETED,
        ),
    ]
    org = WorldOrganisation(
        id="gemeente-voorbeeld",
        name="Gemeente Voorbeeld",
        phase=4,
        accounts=(main, service, *hidden, _reddit_account(), *reddit_hidden),
    )
    sub = Subreddit(
        name="voorbeeld",
        created_at=T0 - timedelta(days=2000),
        title="Voorbeeld",
        subscribers=4321,
        moderators=("inwoner_a", REDDIT_MAIN),
    )
    return World(start=T0, end=T0 + timedelta(days=200), organisations=(org,), subreddits=(sub,))
