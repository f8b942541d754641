"""Presence: which accounts exist and how complete, verified, named and alive they are.

Read from each account's latest snapshot at or before the window end. ``accounts_total`` counts
readable (``active``) accounts over the observed registered ones; every other presence metric
looks at readable accounts only. Profile fields are name, bio, avatar, banner and website link,
each checked only on platforms whose API exposes it; an avatar counts as filled unless it is
the platform's default picture. Completeness and naming consistency leave out personal
(leadership and employee) accounts: they speak for a person, not for the organisation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from maturity.metrics.engine import samples as s
from maturity.metrics.engine.local_time import US_PER_DAY
from maturity.metrics.engine.naming import names_stem, org_has_stems
from maturity.metrics.engine.prepared import Prepared
from maturity.metrics.engine.scopes import BoolArray
from maturity.metrics.engine.values import ORG_LEVELS, ScopeValues, as_n, counted, share

PROFILE_FIELDS = ("display_name", "description", "profile_image_url", "banner_url", "url")
#: The profile fields each platform's API exposes. A field the API cannot return (X API v2 has
#: no banner; Reddit and Bluesky profiles have no website field) is not checked at all, so an
#: account is never marked down for what cannot be seen.
PLATFORM_FIELDS: dict[str, frozenset[str]] = {
    "x": frozenset({"display_name", "description", "profile_image_url", "url"}),
    "reddit": frozenset({"display_name", "description", "profile_image_url", "banner_url"}),
    "bluesky": frozenset({"display_name", "description", "profile_image_url", "banner_url"}),
    # Mastodon: ``url`` is the website link of the profile's fields (rel=me), not the profile.
    "mastodon": frozenset(PROFILE_FIELDS),
}
#: Personal accounts speak for a person, not for the organisation's presence.
PERSONAL_FUNCTIONS = ("leadership", "employee")
DEFAULT_AVATARS = r"default_profile_images|avatar_default|/avatars/original/missing\.png"
DORMANT_DAYS = 90


def _flag(prep: Prepared, column: str) -> BoolArray:
    return np.asarray(prep.accounts[column].to_numpy(dtype=bool))


def _filled(values: pd.Series) -> BoolArray:
    return np.asarray((values.fillna("").astype("str").str.strip() != "").to_numpy(dtype=bool))


def accounts_total(prep: Prepared) -> ScopeValues:
    rollup = prep.scopes.rollup
    return counted(
        rollup(_flag(prep, "readable")), rollup(_flag(prep, "observed")), s.ACCOUNTS_OBSERVED
    )


def platforms_active(prep: Prepared) -> ScopeValues:
    sc = prep.scopes
    readable = sc.rollup(_flag(prep, "readable"))
    platform_slice = slice(sc.n_accounts, sc.n_accounts + sc.n_platforms)
    has = (readable[platform_slice] > 0).astype(np.float64)
    value = np.zeros(sc.n)
    value[platform_slice] = has
    value[sc.n_accounts + sc.n_platforms :] = np.bincount(
        sc.scope_org[platform_slice], has, minlength=sc.n_orgs
    )
    return counted(value, sc.rollup(_flag(prep, "observed")), s.ACCOUNTS_OBSERVED, ORG_LEVELS)


def account_age_days(prep: Prepared) -> ScopeValues:
    created = prep.accounts["created_at_us"].to_numpy(dtype=np.float64)
    ok = _flag(prep, "readable") & ~np.isnan(created)
    age = np.where(ok, (prep.end_us - created) / US_PER_DAY, np.nan)
    return ScopeValues(prep.scopes.scope_max(age), as_n(prep.scopes.rollup(ok)), s.ACCOUNTS_CREATED)


def _organisational(prep: Prepared) -> BoolArray:
    functions = prep.scopes.accounts["function"].to_numpy()
    return np.asarray(~np.isin(functions, PERSONAL_FUNCTIONS))


def profile_completeness(prep: Prepared) -> ScopeValues:
    acc = prep.accounts
    platforms = prep.scopes.accounts["platform"].to_numpy()
    counted_accounts = _flag(prep, "readable") & _organisational(prep)
    filled = np.zeros(len(acc))
    checked = np.zeros(len(acc))
    for name in PROFILE_FIELDS:
        exposed = np.asarray(
            [name in PLATFORM_FIELDS.get(p, frozenset(PROFILE_FIELDS)) for p in platforms],
            dtype=bool,
        )
        ok = _filled(acc[name])
        if name == "profile_image_url":
            default = acc[name].fillna("").str.contains(DEFAULT_AVATARS, regex=True)
            ok = ok & ~default.to_numpy(dtype=bool)
        filled += ok & exposed
        checked += exposed
    rollup = prep.scopes.rollup
    return share(
        rollup(filled * counted_accounts),
        rollup(checked * counted_accounts),
        s.ACCOUNTS_ORGANISATIONAL,
    )


def verified_share(prep: Prepared) -> ScopeValues:
    verified = prep.accounts["verified"].to_numpy(dtype=np.float64)
    known = _flag(prep, "readable") & ~np.isnan(verified)
    rollup = prep.scopes.rollup
    return share(rollup(known & (verified == 1)), rollup(known), s.ACCOUNTS_VERIFIED)


def naming_consistency(prep: Prepared) -> ScopeValues:
    acc = prep.accounts
    sample = _flag(prep, "readable") & _organisational(prep) & org_has_stems(prep.scopes)
    named = names_stem(prep.scopes, prep.scopes.accounts["handle"], acc["display_name"])
    rollup = prep.scopes.rollup
    return share(rollup(sample & named), rollup(sample), s.ACCOUNTS_NAMED)


def dormant_share(prep: Prepared) -> ScopeValues:
    cutoff = max(prep.start_us, prep.end_us - DORMANT_DAYS * US_PER_DAY)
    posts = prep.posts
    recent = posts["acc"].to_numpy()[posts["t"].to_numpy() >= cutoff]
    active = np.bincount(recent, minlength=prep.scopes.n_accounts) > 0
    readable = _flag(prep, "readable")
    rollup = prep.scopes.rollup
    return share(rollup(readable & ~active), rollup(readable), s.ACCOUNTS_DORMANCY)


def compute(prep: Prepared) -> dict[str, ScopeValues]:
    return {
        "presence.accounts_total": accounts_total(prep),
        "presence.platforms_active": platforms_active(prep),
        "presence.account_age_days": account_age_days(prep),
        "presence.profile_completeness": profile_completeness(prep),
        "presence.verified_share": verified_share(prep),
        "presence.naming_consistency": naming_consistency(prep),
        "presence.dormant_share": dormant_share(prep),
    }
