"""Organisation-wide proxies: functions with accounts, hub-and-spoke links, consistency.

These describe a set of accounts, so they are reported per platform and over all platforms,
never per account.

* ``functions_with_accounts``: distinct registry functions of readable accounts, ``employee``
  and ``other`` excluded; ``n`` = observed registered accounts.
* ``hub_spoke_links``: readable non-main accounts on a platform that has a readable ``main``
  account; linked when, inside the window, it mentions a main account or a main account
  mentions it (``Post.mentions`` holds the organisation's own handles).
* ``response_time_spread``: P90 / median of the per-account median first response times over
  the accounts with answered messages (1 = uniform).
* ``executive_accounts`` / ``employee_accounts``: readable ``leadership`` / ``employee``
  accounts whose bio names one of the organisation's name stems; ``n`` = observed registered
  accounts of that function (unknown when the organisation registered no name stems).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from maturity.metrics.engine import samples as s
from maturity.metrics.engine.naming import names_stem, org_has_stems
from maturity.metrics.engine.prepared import Prepared
from maturity.metrics.engine.quantiles import SortedGroups
from maturity.metrics.engine.scopes import BoolArray
from maturity.metrics.engine.values import ORG_LEVELS, ScopeValues, as_n, counted, ratio, share
from maturity.metrics.families.responsiveness import answered_delays

NOT_A_FUNCTION = ("employee", "other")
MAIN = "main"


def _function(prep: Prepared, name: str) -> BoolArray:
    return np.asarray((prep.scopes.accounts["function"] == name).to_numpy(dtype=bool))


def _observed(prep: Prepared) -> BoolArray:
    return np.asarray(prep.accounts["observed"].to_numpy(dtype=bool))


def functions_with_accounts(prep: Prepared) -> ScopeValues:
    sc = prep.scopes
    function = sc.accounts["function"]
    ok = prep.readable & ~function.isin(NOT_A_FUNCTION).to_numpy(dtype=bool)
    code, names = pd.factorize(function)
    n_functions = max(len(names), 1)
    accounts = np.flatnonzero(ok)
    scope, rows = sc.expand(accounts)
    distinct = pd.unique(scope * n_functions + code[accounts][rows])
    value = np.bincount(distinct // n_functions, minlength=sc.n).astype(np.float64)
    return counted(value, sc.rollup(_observed(prep)), s.ACCOUNTS_OBSERVED, ORG_LEVELS)


def secondary_accounts(prep: Prepared) -> tuple[BoolArray, BoolArray]:
    """Per account: a readable main account; a secondary on a platform with one."""
    sc = prep.scopes
    main = prep.readable & _function(prep, MAIN)
    platform_has_main = sc.rollup(main)[sc.acc_pscope] > 0
    return main, prep.readable & ~_function(prep, MAIN) & platform_has_main


def hub_spoke_links(prep: Prepared) -> ScopeValues:
    sc = prep.scopes
    main, secondary = secondary_accounts(prep)
    post = prep.mentions["post"].to_numpy(dtype=np.int64)
    poster = prep.posts["acc"].to_numpy(dtype=np.int64)[post]
    mentioned = prep.mentions["account"].to_numpy(dtype=np.int64)
    own = mentioned >= 0
    poster, mentioned = poster[own], mentioned[own]
    linked = np.zeros(sc.n_accounts, dtype=bool)
    linked[poster[secondary[poster] & main[mentioned]]] = True
    linked[mentioned[main[poster] & secondary[mentioned]]] = True
    return share(sc.rollup(linked & secondary), sc.rollup(secondary), s.SECONDARY, ORG_LEVELS)


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
