"""The API endpoint an item came from, as ``METHOD /route`` for evidence refs.

Landed pages name their endpoint by its landing name (``users_mentions``); evidence shows the
route (``GET /2/users/:id/mentions``). An item without a landed page gets the endpoint its kind
of record always comes from on that platform, where there is only one (X); otherwise none.
"""

from __future__ import annotations

from typing import Final, Literal

from maturity.platforms import REDDIT, X

RecordKind = Literal["post", "inbound", "account"]

ROUTES: Final[dict[tuple[str, str], str]] = {
    (X, "users_by"): "GET /2/users/by",
    (X, "users_tweets"): "GET /2/users/:id/tweets",
    (X, "users_mentions"): "GET /2/users/:id/mentions",
    (REDDIT, "user_about"): "GET /user/:name/about",
    (REDDIT, "user_submitted"): "GET /user/:name/submitted",
    (REDDIT, "user_comments"): "GET /user/:name/comments",
    (REDDIT, "subreddit_moderators"): "GET /r/:subreddit/about/moderators",
    (REDDIT, "subreddit_new"): "GET /r/:subreddit/new",
    (REDDIT, "subreddit_comments"): "GET /r/:subreddit/comments",
    (REDDIT, "submission_comments"): "GET /comments/:id",
    (REDDIT, "inbox_mentions"): "GET /message/mentions",
}

DEFAULTS: Final[dict[tuple[str, RecordKind], str]] = {
    (X, "post"): "GET /2/users/:id/tweets",
    (X, "inbound"): "GET /2/users/:id/mentions",
    (X, "account"): "GET /2/users/by",
}


def endpoint_of(platform: str, page_endpoint: str | None, record: RecordKind) -> str | None:
    """The route of a landed page's endpoint, the landing name itself if unknown, or the
    platform's only endpoint for this kind of record."""
    if isinstance(page_endpoint, str) and page_endpoint:
        return ROUTES.get((platform, page_endpoint), page_endpoint)
    return DEFAULTS.get((platform, record))
