"""Scopes: the levels a metric value is given for, and how rows roll up into them.

Every registered account of every organisation is one *account scope*; every (organisation,
platform) with a registered account is one *platform scope*; every organisation has one *all*
scope (``platform = 'all'``). Scope ids are positions in one array laid out as
``[accounts | platform scopes | organisations]``, so a per-scope statistic is one numpy array
and rolling per-account sums up to platforms and organisations is two ``bincount`` calls.
Aggregates are therefore *pooled*: a platform's response rate is its answered messages over its
inbound messages, never a mean of account rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from maturity.platforms import ALL, REDDIT
from maturity.registry import Organisation

ACCOUNT, PLATFORM, ORG = 0, 1, 2
LEVEL_NAMES = ("account", "platform", ALL)

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


def codes_of(values: pd.Series) -> tuple[IntArray, list[str]]:
    """Integer codes (-1 for missing) and the distinct values they stand for."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        return codes, _names(values.cat.categories.astype(object).tolist())
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int64), _names(np.asarray(uniques, dtype=object).tolist())


def _names(values: list[Any]) -> list[str]:
    """The values as text (``str`` of each; one that is text already is kept as it is)."""
    return [v if type(v) is str else str(v) for v in values]


def reddit_alias(subreddit: str) -> str:
    """The handle the Reddit connector gives posts made in an account's own subreddit."""
    return f"r/{subreddit.lower()}"


class Scopes:
    """The accounts of a set of organisations and the scopes built on them."""

    def __init__(self, orgs: Sequence[Organisation]) -> None:
        self.orgs: tuple[Organisation, ...] = tuple(orgs)
        rows: list[tuple[int, str, str, str, str, str | None]] = [
            (i, org.id, a.platform, a.handle, a.function, a.subreddit)
            for i, org in enumerate(self.orgs)
            for a in sorted(org.accounts, key=lambda a: (a.platform, a.handle.lower()))
        ]
        columns = ["org", "org_id", "platform", "handle", "function", "subreddit"]
        self.accounts = pd.DataFrame(rows, columns=columns).astype(
            {
                "org": "int64",
                "org_id": "str",
                "platform": "str",
                "handle": "str",
                "function": "str",
                "subreddit": "str",
            }
        )
        self.accounts["handle_lower"] = self.accounts["handle"].str.lower()
        self.n_accounts = len(self.accounts)
        pairs = sorted({(i, p) for i, _, p, *_ in rows})
        self.platform_pairs: tuple[tuple[int, str], ...] = tuple(pairs)
        self.n_platforms = len(pairs)
        self.n_orgs = len(self.orgs)
        self.n = self.n_accounts + self.n_platforms + self.n_orgs
        pair_index = {pair: self.n_accounts + k for k, pair in enumerate(pairs)}
        self.acc_org: IntArray = self.accounts["org"].to_numpy(dtype=np.int64)
        self.acc_pscope: IntArray = np.array(
            [
                pair_index[(i, p)]
                for i, p in zip(
                    self.acc_org.tolist(), self.accounts["platform"].tolist(), strict=True
                )
            ],
            dtype=np.int64,
        )
        self.acc_oscope: IntArray = self.acc_org + self.n_accounts + self.n_platforms
        self.level: IntArray = np.repeat(
            np.array([ACCOUNT, PLATFORM, ORG], dtype=np.int64),
            [self.n_accounts, self.n_platforms, self.n_orgs],
        )
        self.scope_org: IntArray = np.concatenate(
            [
                self.acc_org,
                np.array([i for i, _ in pairs], dtype=np.int64),
                np.arange(self.n_orgs, dtype=np.int64),
            ]
        )
        self.scope_account: tuple[str | None, ...] = (
            *self.accounts["handle"].tolist(),
            *([None] * (self.n_platforms + self.n_orgs)),
        )
        self.scope_platform: tuple[str, ...] = (
            *self.accounts["platform"],
            *(p for _, p in pairs),
            *([ALL] * self.n_orgs),
        )
        self._lookup = self._build_lookup()
        self._handles = frozenset(h for _, _, h in self._lookup)
        self._by_handle: dict[str, list[tuple[str, str, int]]] = {}
        for (org_id, platform, handle), k in self._lookup.items():
            self._by_handle.setdefault(handle, []).append((org_id, platform, k))
        self._by_org = self._group_by_org()

    def _group_by_org(self) -> dict[int, list[int]]:
        by_org: dict[int, list[int]] = {i: [] for i in range(self.n_orgs)}
        for k, (i, _) in enumerate(self.platform_pairs):
            by_org[i].append(self.n_accounts + k)
        for a, i in enumerate(self.acc_org.tolist()):
            by_org[i].append(a)
        return by_org

    def _build_lookup(self) -> dict[tuple[str, str, str], int]:
        lookup: dict[tuple[str, str, str], int] = {}
        acc = self.accounts
        for k, (org_id, platform, handle, sub) in enumerate(
            zip(
                acc["org_id"].tolist(),
                acc["platform"].tolist(),
                acc["handle_lower"].tolist(),
                acc["subreddit"].tolist(),
                strict=True,
            )
        ):
            lookup[(org_id, platform, handle)] = k
            if platform == REDDIT and isinstance(sub, str) and sub:
                lookup.setdefault((org_id, platform, reddit_alias(sub)), k)
        return lookup

    # -- mapping rows to accounts ---------------------------------------------------------------

    def account_of(self, org_id: pd.Series, platform: pd.Series, handle: pd.Series) -> IntArray:
        """The account (position) each row belongs to, or -1 when it is not registered.

        Handles compare case-insensitively; a Reddit ``r/<subreddit>`` handle maps to the
        account that registered that subreddit.
        """
        oc, ocats = codes_of(org_id)
        pc, pcats = codes_of(platform)
        hc, hcats = codes_of(handle)
        out = np.full(len(oc), -1, dtype=np.int64)
        # a loop over distinct handles, not rows: most (pseudonyms) are no one's account, and
        # most of the others are the handle of exactly one account, found by three gathers
        lowered = [h.lower() for h in hcats]
        known = np.array([h in self._handles for h in lowered] + [False], dtype=bool)
        single = self._single_account_of_handles(lowered, ocats, pcats)
        if single is not None:
            account, org_code, platform_code, ambiguous = single
            match = (oc == org_code[hc]) & (pc == platform_code[hc])
            out[:] = np.where(match, account[hc], -1)
            known &= ambiguous
        valid = (oc >= 0) & (pc >= 0) & known[hc]
        if not valid.any():
            return out
        n_p, n_h = max(len(pcats), 1), max(len(hcats), 1)
        key = (oc[valid] * n_p + pc[valid]) * n_h + hc[valid]
        inverse, uniques = pd.factorize(key)
        found = np.array(
            [
                self._lookup.get(
                    (ocats[u // (n_p * n_h)], pcats[(u // n_h) % n_p], hcats[u % n_h].lower()), -1
                )
                for u in uniques.tolist()
            ],
            dtype=np.int64,
        )
        out[valid] = found[inverse]
        return out

    def _single_account_of_handles(
        self, handles: list[str], org_ids: list[str], platforms: list[str]
    ) -> tuple[IntArray, IntArray, IntArray, BoolArray] | None:
        """Per distinct (lower-case) handle, plus one slot for a missing handle: the account
        it names when it names exactly one, with that account's organisation and platform as
        codes among ``org_ids`` and ``platforms`` (-2 when absent, so never equal to a
        missing row's -1), and whether it names more than one (left to the general path).
        None when the code lists repeat a name (then only the general path is exact)."""
        if len(set(org_ids)) != len(org_ids) or len(set(platforms)) != len(platforms):
            return None
        org_code = {name: k for k, name in enumerate(org_ids)}
        platform_code = {name: k for k, name in enumerate(platforms)}
        n = len(handles) + 1
        account = np.full(n, -1, dtype=np.int64)
        orgs = np.full(n, -2, dtype=np.int64)
        plats = np.full(n, -2, dtype=np.int64)
        ambiguous = np.zeros(n, dtype=bool)
        by_handle = self._by_handle
        for j, h in enumerate(handles):
            entries = by_handle.get(h)
            if entries is None:
                continue
            if len(entries) > 1:
                ambiguous[j] = True
                continue
            org_id, platform, a = entries[0]
            account[j] = a
            orgs[j] = org_code.get(org_id, -2)
            plats[j] = platform_code.get(platform, -2)
        return account, orgs, plats, ambiguous

    def find(self, org_id: str, platform: str, handle: str) -> int:
        """The account registered as ``handle`` (case-insensitive; a Reddit ``r/<subreddit>``
        names the account that registered it), or -1."""
        return self._lookup.get((org_id, platform, handle.lower()), -1)

    def org_of(self, org_id: pd.Series) -> IntArray:
        """The organisation (position) of each row, or -1 when it is not being assessed."""
        codes, cats = codes_of(org_id)
        index = {org.id: i for i, org in enumerate(self.orgs)}
        table = np.array([index.get(c, -1) for c in cats] + [-1], dtype=np.int64)
        return table[codes]

    def platform_scope_of(self, org: IntArray, platform: pd.Series) -> IntArray:
        """The platform scope of each row's organisation and platform (-1 when none)."""
        codes, names = codes_of(platform)
        table = np.full((self.n_orgs + 1, len(names) + 1), -1, dtype=np.int64)
        column = {name: k for k, name in enumerate(names)}
        for k, (i, p) in enumerate(self.platform_pairs):
            if p in column:
                table[i, column[p]] = self.n_accounts + k
        return np.asarray(table[org, codes])

    # -- rolling up ------------------------------------------------------------------------------

    def rollup(self, per_account: np.ndarray[Any, Any]) -> FloatArray:
        """Per-account sums → per-scope sums (accounts, then platforms, then organisations)."""
        values = np.asarray(per_account, dtype=np.float64)
        platforms = np.bincount(
            self.acc_pscope - self.n_accounts, values, minlength=self.n_platforms
        )
        orgs = np.bincount(self.acc_org, values, minlength=self.n_orgs)
        return np.concatenate([values, platforms, orgs])

    def count(self, acc: IntArray, weights: np.ndarray[Any, Any] | None = None) -> FloatArray:
        """Per-scope counts (or sums of ``weights``) of rows that belong to account ``acc``."""
        per_account = np.bincount(acc, weights, minlength=self.n_accounts).astype(np.float64)
        return self.rollup(per_account)

    def expand(self, acc: IntArray) -> tuple[IntArray, IntArray]:
        """Each row once per scope it belongs to: ``(scope ids, row positions)``."""
        rows = np.arange(len(acc), dtype=np.int64)
        scopes = np.concatenate([acc, self.acc_pscope[acc], self.acc_oscope[acc]])
        return scopes, np.concatenate([rows, rows, rows])

    def expand_in_order(self, acc: IntArray, order: IntArray) -> tuple[IntArray, IntArray]:
        """:meth:`expand`, sorted by scope and then by each row's position in ``order`` (a
        permutation of the rows, such as their time order): ``(scope ids, row positions)``.

        No sort of (scope, position) keys: per level, the rows taken in ``order`` are stably
        sorted by their scope (a radix sort when scope ids fit 16 bits); levels' scope ids
        are disjoint and increasing, so the levels concatenate in scope order.
        """
        ordered_acc = acc[order]
        scopes: list[IntArray] = []
        rows: list[IntArray] = []
        small = self.n < 2**16
        for scope_of_account in (
            np.arange(self.n_accounts, dtype=np.int64),
            self.acc_pscope,
            self.acc_oscope,
        ):
            scope = scope_of_account[ordered_acc]
            by_scope = np.argsort(scope.astype(np.uint16) if small else scope, kind="stable")
            scopes.append(scope[by_scope])
            rows.append(order[by_scope])
        return np.concatenate(scopes), np.concatenate(rows)

    def scope_max(self, per_account: FloatArray) -> FloatArray:
        """Per-scope maximum of a per-account value (NaN where a scope has none)."""
        out = np.full(self.n, -np.inf)
        scopes, rows = self.expand(np.arange(self.n_accounts, dtype=np.int64))
        values = per_account[rows]
        ok = ~np.isnan(values)
        np.maximum.at(out, scopes[ok], values[ok])
        out[np.isinf(out)] = np.nan
        return out

    # -- describing scopes -----------------------------------------------------------------------

    def account_handle(self, scope: int) -> str | None:
        return self.scope_account[scope]

    def scopes_of_org(self, org: int) -> list[int]:
        """The org's scopes in output order: all, its platforms, its accounts."""
        return [self.n_accounts + self.n_platforms + org, *self._by_org[org]]
