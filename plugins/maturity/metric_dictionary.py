"""The metric dictionary: every metric the rubric may read, defined once, in code.

``docs/metrics.md`` is generated from this module. A metric's *kind* tells scoring how to
decide a threshold: a ``proportion`` is decided with a Wilson interval over its sample size;
other kinds are compared directly, or with the interval the metric value carries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from maturity.platforms import KNOWN_PLATFORMS

MetricKind = Literal["proportion", "count", "duration", "rate", "ratio", "score"]
Family = Literal["presence", "activity", "responsiveness", "interaction", "organisation"]


@dataclass(frozen=True, slots=True)
class MetricDefinition:
    id: str
    family: Family
    kind: MetricKind
    unit: str
    definition: str
    denominator: str
    sample: str
    """What counts as one unit of the sample size ``n``."""
    window: str = "assessment window"
    platforms: tuple[str, ...] = KNOWN_PLATFORMS
    census: bool = False
    """True when ``n`` counts every unit there is (profile fields, registered accounts), not a
    sample of behaviour. Scoring then compares the value itself instead of a Wilson interval."""
    label: str = ""
    """A short name to show users, in English (empty: the id is shown)."""
    label_nl: str = ""
    """The same short name in Dutch."""

    @property
    def bounded_01(self) -> bool:
        return self.kind == "proportion"


def _m(
    id: str,
    family: Family,
    kind: MetricKind,
    unit: str,
    definition: str,
    denominator: str,
    sample: str,
    window: str = "assessment window",
    *,
    label: tuple[str, str] = ("", ""),
) -> MetricDefinition:
    census = window.startswith("snapshot") or id in _CENSUS
    return MetricDefinition(
        id,
        family,
        kind,
        unit,
        definition,
        denominator,
        sample,
        window,
        census=census,
        label=label[0],
        label_nl=label[1],
    )


#: Proportions over a full count of units rather than a sample of behaviour.
_CENSUS = frozenset({"presence.dormant_share", "organisation.hub_spoke_links"})


METRICS: tuple[MetricDefinition, ...] = (
    # presence
    _m(
        "presence.accounts_total",
        "presence",
        "count",
        "accounts",
        "Official accounts of the organisation that exist and can be read (not deleted, "
        "suspended or protected).",
        "-",
        "registered accounts",
        "snapshot at window end",
    ),
    _m(
        "presence.platforms_active",
        "presence",
        "count",
        "platforms",
        "Platforms on which the organisation has at least one readable account.",
        "-",
        "registered accounts",
        "snapshot at window end",
    ),
    _m(
        "presence.account_age_days",
        "presence",
        "duration",
        "days",
        "Age of the oldest readable account at the end of the window.",
        "-",
        "readable accounts",
        "snapshot at window end",
    ),
    _m(
        "presence.profile_completeness",
        "presence",
        "proportion",
        "share",
        "Share of profile fields filled in (name, bio, avatar, banner, website link) over the "
        "readable accounts that speak for the organisation (not leadership or employee "
        "accounts), counting only the fields each platform's API exposes (X: no banner; "
        "Reddit and Bluesky: no website link).",
        "profile fields checked",
        "profile fields checked",
        "snapshot at window end",
    ),
    _m(
        "presence.verified_share",
        "presence",
        "proportion",
        "share",
        "Share of readable accounts that carry the platform's verification mark.",
        "readable accounts",
        "readable accounts",
        "snapshot at window end",
    ),
    _m(
        "presence.naming_consistency",
        "presence",
        "proportion",
        "share",
        "Share of the organisation's own (not leadership or employee) accounts whose handle "
        "or display name contains one of its name stems.",
        "readable organisational accounts",
        "readable organisational accounts",
        "snapshot at window end",
    ),
    _m(
        "presence.dormant_share",
        "presence",
        "proportion",
        "share",
        "Share of readable accounts without an own post in the last 90 days of the window.",
        "readable accounts",
        "readable accounts",
    ),
    # activity
    _m(
        "activity.posts_per_week",
        "activity",
        "rate",
        "posts/week",
        "Own original posts, replies and reposts per week, over all accounts and the span "
        "their data covers (see activity.observed_span_days).",
        "weeks covered",
        "weeks covered",
    ),
    _m(
        "activity.active_weeks_share",
        "activity",
        "proportion",
        "share",
        "Share of weeks with at least one own post, over the weeks the data covers (see "
        "activity.observed_span_days).",
        "weeks covered",
        "weeks covered",
    ),
    _m(
        "activity.gap_regularity",
        "activity",
        "score",
        "0..1",
        "1 minus the coefficient of variation of the gaps between consecutive own posts, "
        "floored at 0: 1 is perfectly regular.",
        "-",
        "gaps between posts",
    ),
    _m(
        "activity.original_share",
        "activity",
        "proportion",
        "share",
        "Share of own posts that are original (not a reply or repost).",
        "own posts",
        "own posts",
    ),
    _m(
        "activity.reply_share",
        "activity",
        "proportion",
        "share",
        "Share of own posts that are replies to someone else, written by a person (automated "
        "replies are left out of the numerator).",
        "own posts",
        "own posts",
    ),
    _m(
        "activity.repost_share",
        "activity",
        "proportion",
        "share",
        "Share of own posts that are reposts or quotes.",
        "own posts",
        "own posts",
    ),
    _m(
        "activity.utm_link_share",
        "activity",
        "proportion",
        "share",
        "Share of own posts with an outbound link whose link carries utm_* campaign parameters.",
        "own posts with a link",
        "own posts with a link",
    ),
    _m(
        "activity.campaign_tags",
        "activity",
        "count",
        "tags",
        "Hashtags the organisation used in at least three different weeks of the window.",
        "-",
        "own posts",
    ),
    _m(
        "activity.observed_span_days",
        "activity",
        "duration",
        "days",
        "Days of the window the data covers: all of it, unless an account's timeline reached "
        "the platform's history cap (X: 3,200 posts); then from its oldest collected post "
        "(for a platform or all: the latest such start of its readable accounts).",
        "-",
        "readable accounts",
        label=("Days of the window covered by the data", "Dagen van de periode met gegevens"),
    ),
    _m(
        "activity.history_capped",
        "activity",
        "count",
        "0..1",
        "1 when the account's timeline or mentions reached the platform's history cap (X: "
        "3,200 posts, 800 mentions; Reddit: about 1,000 items), so the data covers only the "
        "latest part of the window; for a platform or all: 1 when any of its accounts did.",
        "-",
        "readable accounts",
        label=("History cap reached", "Historielimiet bereikt"),
    ),
    # responsiveness
    _m(
        "responsiveness.inbound_messages",
        "responsiveness",
        "count",
        "messages",
        "Actionable inbound mentions, comments and replies addressed to the organisation: "
        "spam (floods of near-identical messages, bot-like authors, link bait) left out.",
        "-",
        "actionable inbound messages",
    ),
    _m(
        "responsiveness.inbound_total",
        "responsiveness",
        "count",
        "messages",
        "Every inbound message addressed to the organisation, spam included.",
        "-",
        "inbound messages",
        label=("Inbound messages (all)", "Inkomende berichten (alle)"),
    ),
    _m(
        "responsiveness.inbound_actionable",
        "responsiveness",
        "count",
        "messages",
        "Inbound messages that need an answer: every inbound message but spam (see the "
        "counting rules below).",
        "-",
        "actionable inbound messages",
        label=("Actionable inbound messages", "Berichten die om antwoord vragen"),
    ),
    _m(
        "responsiveness.inbound_excluded_spam",
        "responsiveness",
        "count",
        "messages",
        "Inbound messages left out as spam: floods of near-identical messages, bot-like "
        "authors and link bait (the notes count each reason).",
        "inbound messages",
        "inbound messages",
        label=("Inbound messages left out as spam", "Inkomende berichten weggelaten als spam"),
    ),
    _m(
        "responsiveness.response_rate",
        "responsiveness",
        "proportion",
        "share",
        "Actionable inbound messages answered by a person / actionable inbound messages. "
        "Spam does not count; a message answered only by an automated reply is unanswered.",
        "actionable inbound messages",
        "actionable inbound messages",
    ),
    _m(
        "responsiveness.response_rate_raw",
        "responsiveness",
        "proportion",
        "share",
        "Inbound messages with any first reply (automated ones included) / every inbound "
        "message (spam included): the rate before the counting rules, for comparison.",
        "inbound messages",
        "inbound messages",
        label=(
            "Response rate, all messages and replies",
            "Reactiegraad, alle berichten en antwoorden",
        ),
    ),
    _m(
        "responsiveness.automated_reply_share",
        "responsiveness",
        "proportion",
        "share",
        "Share of the organisation's first replies to inbound messages that are automated: "
        "templated texts without a personal sign-off, answers at machine speed around the "
        "clock, or answers to spam.",
        "inbound messages with a first reply",
        "inbound messages with a first reply",
        label=("Automated replies", "Geautomatiseerde antwoorden"),
    ),
    _m(
        "responsiveness.first_response_median_hours",
        "responsiveness",
        "duration",
        "hours",
        "Median time from an actionable inbound message to the organisation's first reply by a "
        "person.",
        "-",
        "actionable inbound messages answered by a person",
    ),
    _m(
        "responsiveness.first_response_p90_hours",
        "responsiveness",
        "duration",
        "hours",
        "90th percentile of the time to the first reply by a person (actionable messages).",
        "-",
        "actionable inbound messages answered by a person",
    ),
    _m(
        "responsiveness.within_1h_share",
        "responsiveness",
        "proportion",
        "share",
        "Share of actionable inbound messages answered by a person within one hour.",
        "actionable inbound messages",
        "actionable inbound messages",
    ),
    _m(
        "responsiveness.within_24h_share",
        "responsiveness",
        "proportion",
        "share",
        "Share of actionable inbound messages answered by a person within 24 hours.",
        "actionable inbound messages",
        "actionable inbound messages",
    ),
    _m(
        "responsiveness.after_hours_response_share",
        "responsiveness",
        "proportion",
        "share",
        "Share of actionable inbound messages received outside business hours (weekdays 09-17 "
        "in the organisation's timezone) that a person answered within 24 hours.",
        "actionable inbound messages outside business hours",
        "actionable inbound messages outside business hours",
    ),
    _m(
        "responsiveness.weekend_response_share",
        "responsiveness",
        "proportion",
        "share",
        "Share of actionable inbound messages received on Saturday or Sunday that a person "
        "answered within 24 hours.",
        "actionable inbound messages on weekends",
        "actionable inbound messages on weekends",
    ),
    # interaction
    _m(
        "interaction.engagement_per_post",
        "interaction",
        "rate",
        "interactions/post",
        "Likes, reposts, replies and quotes received per own post.",
        "own posts",
        "own posts",
    ),
    _m(
        "interaction.engagement_per_follower",
        "interaction",
        "ratio",
        "interactions/follower",
        "Interactions received per own post divided by followers at window end.",
        "followers at window end x own posts",
        "own posts",
    ),
    _m(
        "interaction.conversation_depth",
        "interaction",
        "rate",
        "turns/thread",
        "Mean number of organisation turns in threads where it replied at least once.",
        "threads with an organisation reply",
        "threads with an organisation reply",
    ),
    _m(
        "interaction.community_reply_share",
        "interaction",
        "proportion",
        "share",
        "Share of threads started by the organisation in which at least two distinct third "
        "parties replied.",
        "threads started by the organisation",
        "threads started by the organisation",
    ),
    # organisation-wide
    _m(
        "organisation.functions_with_accounts",
        "organisation",
        "count",
        "functions",
        "Distinct business functions (service, careers, press, regional, ...) with their own "
        "readable account that posted or replied in the window. Leadership is no function "
        "(see organisation.executive_accounts); nor are employee and other.",
        "-",
        "registered accounts",
        "snapshot at window end",
    ),
    _m(
        "organisation.hub_spoke_links",
        "organisation",
        "proportion",
        "share",
        "Share of secondary (non-main) accounts linked with a main account of the organisation, "
        "either way round and across platforms: mentions in posts, the pinned post, the bio "
        "(profile links, @handle, u/ and r/ names) and the profile's website field.",
        "secondary accounts",
        "secondary accounts",
    ),
    _m(
        "organisation.response_time_spread",
        "organisation",
        "ratio",
        "ratio",
        "P90 / median of the per-account median first response times: 1 is uniform across "
        "accounts.",
        "-",
        "accounts with answered messages",
    ),
    _m(
        "organisation.executive_accounts",
        "organisation",
        "count",
        "accounts",
        "Active executive accounts that name the organisation in their profile.",
        "-",
        "registered leadership accounts",
        "snapshot at window end",
    ),
    _m(
        "organisation.employee_accounts",
        "organisation",
        "count",
        "accounts",
        "Active employee accounts that name the organisation in their profile.",
        "-",
        "registered employee accounts",
        "snapshot at window end",
    ),
)

METRICS_BY_ID: dict[str, MetricDefinition] = {m.id: m for m in METRICS}


def get_metric(metric_id: str) -> MetricDefinition:
    """Return a metric's definition; ``KeyError`` if the dictionary has no such metric."""
    return METRICS_BY_ID[metric_id]
