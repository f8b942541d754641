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
) -> MetricDefinition:
    census = window.startswith("snapshot") or id in _CENSUS
    return MetricDefinition(
        id, family, kind, unit, definition, denominator, sample, window, census=census
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
        "Own original posts, replies and reposts per week, over all accounts.",
        "weeks in window",
        "weeks in window",
    ),
    _m(
        "activity.active_weeks_share",
        "activity",
        "proportion",
        "share",
        "Share of weeks in the window with at least one own post.",
        "weeks in window",
        "weeks in window",
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
        "Share of own posts that are replies to someone else.",
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
    # responsiveness
    _m(
        "responsiveness.inbound_messages",
        "responsiveness",
        "count",
        "messages",
        "Inbound mentions, comments and replies addressed to the organisation.",
        "-",
        "inbound messages",
    ),
    _m(
        "responsiveness.response_rate",
        "responsiveness",
        "proportion",
        "share",
        "Answered inbound messages / (answered + unanswered).",
        "inbound messages",
        "inbound messages",
    ),
    _m(
        "responsiveness.first_response_median_hours",
        "responsiveness",
        "duration",
        "hours",
        "Median time from an inbound message to the organisation's first reply.",
        "-",
        "answered inbound messages",
    ),
    _m(
        "responsiveness.first_response_p90_hours",
        "responsiveness",
        "duration",
        "hours",
        "90th percentile of the time to first reply.",
        "-",
        "answered inbound messages",
    ),
    _m(
        "responsiveness.within_1h_share",
        "responsiveness",
        "proportion",
        "share",
        "Share of inbound messages answered within one hour.",
        "inbound messages",
        "inbound messages",
    ),
    _m(
        "responsiveness.within_24h_share",
        "responsiveness",
        "proportion",
        "share",
        "Share of inbound messages answered within 24 hours.",
        "inbound messages",
        "inbound messages",
    ),
    _m(
        "responsiveness.after_hours_response_share",
        "responsiveness",
        "proportion",
        "share",
        "Share of inbound messages received outside business hours (weekdays 09-17 in the "
        "organisation's timezone) that were answered within 24 hours.",
        "inbound messages outside business hours",
        "inbound messages outside business hours",
    ),
    _m(
        "responsiveness.weekend_response_share",
        "responsiveness",
        "proportion",
        "share",
        "Share of inbound messages received on Saturday or Sunday that were answered within "
        "24 hours.",
        "inbound messages on weekends",
        "inbound messages on weekends",
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
        "Distinct functions (service, careers, press, regional, leadership, ...) with their "
        "own readable account.",
        "-",
        "registered accounts",
        "snapshot at window end",
    ),
    _m(
        "organisation.hub_spoke_links",
        "organisation",
        "proportion",
        "share",
        "Share of secondary accounts that link to or mention the main account, or are linked "
        "from it.",
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
