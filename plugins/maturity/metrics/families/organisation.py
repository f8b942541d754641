"""Organisation-wide proxies: functions with accounts, hub-and-spoke links, consistency.

These describe a set of accounts, so they are reported per platform and over all platforms,
never per account.

* ``functions_with_accounts``: distinct registry functions of readable accounts that posted or
  replied in the window; ``employee``, ``other`` and ``leadership`` are no function
  (leadership is counted by ``executive_accounts``); ``n`` = observed registered accounts.
* ``hub_spoke_links``: readable non-main accounts of an organisation with a readable ``main``
  account on any platform; linked when a link joins it with a main account, either way
  round, read from posts' mentions (inside the window), the pinned post, the bio or the
  profile's website field, across platforms (:mod:`maturity.metrics.engine.own_links`). Its
  evidence names each link and where it was read.
* ``response_time_spread``: P90 / median of the per-account median first response times over
  the accounts with answered messages (1 = uniform).
* ``executive_accounts`` / ``employee_accounts``: readable ``leadership`` / ``employee``
  accounts whose bio names one of the organisation's name stems; ``n`` = observed registered
  accounts of that function (unknown when the organisation registered no name stems).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from maturity.metrics.engine import own_links
from maturity.metrics.engine import samples as s
from maturity.metrics.engine.naming import names_stem, org_has_stems
from maturity.metrics.engine.prepared import Prepared
from maturity.metrics.engine.quantiles import SortedGroups
from maturity.metrics.engine.scopes import BoolArray
from maturity.metrics.engine.values import ORG_LEVELS, ScopeValues, as_n, counted, ratio, share
from maturity.metrics.families.responsiveness import answered_delays

#: Registered functions that are not a business function: personal accounts, "other", and
#: leadership (it is counted by ``executive_accounts``).
NOT_A_FUNCTION = ("employee", "other", "leadership")
MAIN = "main"


def _function(prep: Prepared, name: str) -> BoolArray:
    return np.asarray((prep.scopes.accounts["function"] == name).to_numpy(dtype=bool))


def _observed(prep: Prepared) -> BoolArray:
    return np.asarray(prep.accounts["observed"].to_numpy(dtype=bool))


def active_accounts(prep: Prepared) -> BoolArray:
    """Per account: readable, and posted or replied in the window."""
    posts = np.bincount(
        prep.posts["acc"].to_numpy(dtype=np.int64), minlength=prep.scopes.n_accounts
    )
    return prep.readable & (posts > 0)


def functions_with_accounts(prep: Prepared) -> ScopeValues:
    sc = prep.scopes
    function = sc.accounts["function"]
    ok = active_accounts(prep) & ~function.isin(NOT_A_FUNCTION).to_numpy(dtype=bool)
    code, names = pd.factorize(function)
    n_functions = max(len(names), 1)
    accounts = np.flatnonzero(ok)
    scope, rows = sc.expand(accounts)
    distinct = pd.unique(scope * n_functions + code[accounts][rows])
    value = np.bincount(distinct // n_functions, minlength=sc.n).astype(np.float64)
    return counted(value, sc.rollup(_observed(prep)), s.ACCOUNTS_OBSERVED, ORG_LEVELS)


def secondary_accounts(prep: Prepared) -> tuple[BoolArray, BoolArray]:
    """Per account: a readable main account; a secondary (readable, not main) of an
    organisation with a readable main account on any platform."""
    sc = prep.scopes
    main = prep.readable & _function(prep, MAIN)
    org_has_main = np.bincount(sc.acc_org, main, minlength=sc.n_orgs)[sc.acc_org] > 0
    return main, prep.readable & ~_function(prep, MAIN) & org_has_main


def own_account_links(prep: Prepared) -> pd.DataFrame:
    """Every link between two readable own accounts: ``source``, ``target``, ``via`` (post,
    pinned, bio, url); see :mod:`maturity.metrics.engine.own_links`."""

    def make() -> pd.DataFrame:
        links = pd.concat(
            [
                own_links.post_links(prep.posts, prep.mentions, prep.accounts),
                own_links.profile_links(prep.scopes, prep.accounts, prep.readable),
            ],
            ignore_index=True,
        )
        both = prep.readable[links["source"].to_numpy()] & prep.readable[links["target"].to_numpy()]
        # one row per (source, target, via), in that order: the evidence does not depend on
        # the order of the records
        found = links.loc[both].drop_duplicates()
        return found.sort_values(["source", "target", "via"], kind="stable").reset_index(drop=True)

    found: pd.DataFrame = prep.memo("own_account_links", make)
    return found


def hub_linked(prep: Prepared) -> tuple[BoolArray, BoolArray]:
    """Per account: a secondary account, and one linked with a main account of its
    organisation (either way round, from any source)."""
    sc = prep.scopes
    main, secondary = secondary_accounts(prep)
    links = own_account_links(prep)
    source = links["source"].to_numpy(dtype=np.int64)
    target = links["target"].to_numpy(dtype=np.int64)
    linked = np.zeros(sc.n_accounts, dtype=bool)
    linked[source[secondary[source] & main[target]]] = True
    linked[target[main[source] & secondary[target]]] = True
    return secondary, linked & secondary


def hub_spoke_links(prep: Prepared) -> ScopeValues:
    sc = prep.scopes
    secondary, linked = hub_linked(prep)
    return share(sc.rollup(linked), sc.rollup(secondary), s.OWN_LINKS, ORG_LEVELS)


def response_time_spread(prep: Prepared) -> ScopeValues:
    sc = prep.scopes
    # account scopes come first: their sorted delays are each account's answered messages
    medians = answered_delays(prep).quantile(0.5).value[: sc.n_accounts]
    accounts = np.flatnonzero(~np.isnan(medians))
    scope, rows = sc.expand(accounts)
    groups = SortedGroups.of_rows(scope, accounts[rows], medians, sc.n)
    value = ratio(groups.quantile(0.9).value, groups.quantile(0.5).value)
    return ScopeValues(value, as_n(groups.n), s.ANSWERING_ACCOUNTS, ORG_LEVELS)


def _named_accounts(prep: Prepared, function: str, sample: str) -> ScopeValues:
    sc = prep.scopes
    role = _function(prep, function) & org_has_stems(sc)
    named = names_stem(sc, prep.accounts["description"])
    return counted(
        sc.rollup(prep.readable & role & named),
        sc.rollup(_observed(prep) & role),
        sample,
        ORG_LEVELS,
    )


def compute(prep: Prepared) -> dict[str, ScopeValues]:
    return {
        "organisation.functions_with_accounts": functions_with_accounts(prep),
        "organisation.hub_spoke_links": hub_spoke_links(prep),
        "organisation.response_time_spread": response_time_spread(prep),
        "organisation.executive_accounts": _named_accounts(prep, "leadership", s.LEADERSHIP),
        "organisation.employee_accounts": _named_accounts(prep, "employee", s.EMPLOYEES),
    }
