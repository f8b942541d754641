"""The evidence refs of every metric value: example items, their pages, and the query.

Built lazily, once per sample set and scope, and shared by the metrics reading that set.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from maturity.evidence import EvidenceRef
from maturity.metrics.engine import samples as s
from maturity.metrics.engine.naming import org_has_stems
from maturity.metrics.engine.prepared import Prepared, time_order
from maturity.metrics.engine.scopes import ACCOUNT, PLATFORM, BoolArray, IntArray
from maturity.metrics.engine.values import ScopeValues
from maturity.metrics.evidence.endpoints import RecordKind
from maturity.metrics.evidence.examples import ItemTable, RefCache, RunCache, example_refs
from maturity.metrics.evidence.queries import DIALECTS, AccountMatch, QueryContext, query
from maturity.metrics.families.interaction import followers_known
from maturity.metrics.families.organisation import own_account_links, secondary_accounts
from maturity.metrics.families.presence import DORMANT_DAYS
from maturity.metrics.families.responsiveness import received_when

_POST_SETS = {
    s.POSTS: None,
    s.POSTS_WEEKS: None,
    s.POSTS_GAPS: None,
    s.POSTS_WITH_LINK: "has_link",
    s.POSTS_FOLLOWED: "followed",
    s.THREADS_REPLIED: "third_party_reply",
    s.THREADS_STARTED: "original",
}
#: Sample sets with the same items as another one share its examples.
_SAME_ITEMS = {
    s.POSTS_WEEKS: s.POSTS,
    s.POSTS_GAPS: s.POSTS,
    s.ACCOUNTS_DORMANCY: s.ACCOUNTS_READABLE,
}
_INBOUND_SETS = {
    s.INBOUND: None,
    s.ANSWERED: "answered",
    s.ACTIONABLE: "actionable",
    s.ANSWERED_ACTIONABLE: "answered_actionable",
    s.REPLIED: "answered_raw",
    s.AFTER_HOURS: "after_hours",
    s.WEEKEND: "weekend",
}


class EvidenceBuilder:
    def __init__(self, prep: Prepared, k: int, dialect: str) -> None:
        self.prep = prep
        self.k = k
        self.dialect = DIALECTS[dialect]
        self._examples: dict[str, dict[int, tuple[EvidenceRef, ...]]] = {}
        self._contexts: dict[tuple[int, int], QueryContext] = {}
        self._contexts_by_accounts: dict[tuple[int, tuple[int, ...]], QueryContext] = {}
        self._own: dict[int, tuple[AccountMatch, ...]] = {}
        self._caches: dict[RecordKind, RefCache] = {}
        self._runs: dict[RecordKind, RunCache] = {}
        self._tables: dict[RecordKind, ItemTable] = {}
        self._masks = self._account_masks()
        sc = prep.scopes
        self._scope_accounts: list[list[int]] | None = None
        self._listed_lists: dict[int, list[bool]] = {}
        self._labels: dict[int, str] = {}
        self._refs: dict[tuple[str, int], tuple[EvidenceRef, ...]] = {}
        self._levels: dict[frozenset[int], list[int]] = {}
        self._registered = [
            AccountMatch(p, h, sub if isinstance(sub, str) and sub else None)
            for p, h, sub in zip(
                sc.accounts["platform"].tolist(),
                sc.accounts["handle_lower"].tolist(),
                sc.accounts["subreddit"].tolist(),
                strict=True,
            )
        ]
        cutoff = max(prep.window.start, prep.window.end - timedelta(days=DORMANT_DAYS))
        self._dormant_since = cutoff

    # -- which accounts a sample set takes -------------------------------------------------

    def _account_masks(self) -> dict[str, tuple[BoolArray, BoolArray]]:
        """Sample set → (accounts its SQL lists, accounts that are its units)."""
        prep = self.prep
        acc = prep.accounts
        function = prep.scopes.accounts["function"].to_numpy(dtype=object)
        every = np.ones(prep.scopes.n_accounts, dtype=bool)
        readable, observed = prep.readable, acc["observed"].to_numpy(dtype=bool)
        stems = org_has_stems(prep.scopes)
        organisational = ~np.isin(function, ("leadership", "employee"))
        leaders, employees = (function == "leadership") & stems, (function == "employee") & stems
        answered = prep.inbound["acc"].to_numpy()[prep.inbound["answered"].to_numpy(dtype=bool)]
        answering = np.bincount(answered, minlength=len(every)) > 0
        _, secondary = secondary_accounts(prep)
        followed = readable & (followers_known(prep) > 0)
        return {
            s.ACCOUNTS_OBSERVED: (every, observed),
            s.ACCOUNTS_READABLE: (every, readable),
            s.ACCOUNTS_CREATED: (every, readable & ~np.isnan(acc["created_at_us"].to_numpy())),
            s.ACCOUNTS_VERIFIED: (every, readable & ~np.isnan(acc["verified"].to_numpy())),
            s.ACCOUNTS_ORGANISATIONAL: (organisational, readable & organisational),
            s.ACCOUNTS_NAMED: (stems & organisational, readable & stems & organisational),
            s.ACCOUNTS_DORMANCY: (every, readable),
            s.LEADERSHIP: (leaders, observed & leaders),
            s.EMPLOYEES: (employees, observed & employees),
            s.SECONDARY: (secondary, secondary),
            s.OWN_LINKS: (secondary, secondary),
            s.ANSWERING_ACCOUNTS: (readable, answering),
            s.POSTS_FOLLOWED: (followed, followed),
        }

    def _listed(self, sample: str) -> BoolArray:
        mask = self._masks.get(sample)
        return mask[0] if mask is not None else self.prep.readable

    # -- examples ---------------------------------------------------------------------------

    def _table(self, record: RecordKind) -> ItemTable:
        table = self._tables.get(record)
        if table is None:
            prep = self.prep
            if record == "post":
                order = time_order(prep, "posts")
                table = ItemTable.of(prep.posts, record, order, prep.post_sources)
            elif record == "inbound":
                order = time_order(prep, "inbound")
                table = ItemTable.of(prep.inbound, record, order, prep.inbound_sources)
            else:
                table = ItemTable.of(self._accounts_frame(), record)
            self._tables[record] = table
        return table

    def _accounts_frame(self) -> pd.DataFrame:
        sc, acc = self.prep.scopes, self.prep.accounts
        return pd.DataFrame(
            {
                "acc": np.arange(sc.n_accounts),
                "t": np.zeros(sc.n_accounts, dtype=np.int64),
                "item_id": sc.accounts["handle"],
                "platform": sc.accounts["platform"],
                "handle": sc.accounts["handle"],
                "page_path": acc["page_path"],
                "page_sha256": acc["page_sha256"],
                "page_endpoint": acc["page_endpoint"],
            }
        )

    def _rows(self, sample: str) -> tuple[RecordKind, IntArray]:
        """The table a sample set's items come from, and which of its rows."""
        prep = self.prep
        if sample in _POST_SETS:
            column = _POST_SETS[sample]
            if column is None:
                return "post", np.arange(len(prep.posts), dtype=np.int64)
            if column == "followed":
                keep = self._masks[s.POSTS_FOLLOWED][1][prep.posts["acc"].to_numpy()]
            else:
                keep = prep.posts[column].to_numpy(dtype=bool)
            return "post", np.flatnonzero(keep)
        if sample in _INBOUND_SETS:
            column = _INBOUND_SETS[sample]
            if column is None:
                return "inbound", np.arange(len(prep.inbound), dtype=np.int64)
            flags = received_when(prep)
            keep = flags[column] if column in flags else prep.inbound[column].to_numpy(bool)
            return "inbound", np.flatnonzero(keep)
        return "account", np.flatnonzero(self._masks[sample][1])

    def examples(self, sample: str, scope: int) -> tuple[EvidenceRef, ...]:
        return self._examples_of(sample).get(scope, ())

    def _examples_of(self, sample: str) -> dict[int, tuple[EvidenceRef, ...]]:
        """Scope id → example refs of a sample set (made once for every scope)."""
        key = _SAME_ITEMS.get(sample, sample)
        found = self._examples.get(key)
        if found is None:
            record, rows = self._rows(key)
            found = self._examples[key] = example_refs(
                self._table(record),
                rows,
                self.prep.scopes,
                self.k,
                self._caches.setdefault(record, {}),
                self._runs.setdefault(record, {}),
            )
        return found

    # -- queries ----------------------------------------------------------------------------

    def _accounts_of_scope(self, scope: int) -> list[int]:
        """The accounts of a scope in account order (built for every scope at once)."""
        found = self._scope_accounts
        if found is None:
            sc = self.prep.scopes
            found = [[a] for a in range(sc.n_accounts)]
            found += [[] for _ in range(sc.n_platforms + sc.n_orgs)]
            for a, (p, o) in enumerate(
                zip(sc.acc_pscope.tolist(), sc.acc_oscope.tolist(), strict=True)
            ):
                found[p].append(a)
                found[o].append(a)
            self._scope_accounts = found
        return found[scope]

    def _label(self, scope: int) -> str:
        label = self._labels.get(scope)
        if label is None:
            sc = self.prep.scopes
            if sc.level[scope] == ACCOUNT:
                label = f"platform {sc.scope_platform[scope]}, account {sc.account_handle(scope)}"
            elif sc.level[scope] == PLATFORM:
                label = f"platform {sc.scope_platform[scope]}"
            else:
                label = "all platforms"
            self._labels[scope] = label
        return label

    def _context(self, sample: str, scope: int) -> QueryContext:
        """The query context of a scope for the accounts a sample set lists (shared by the
        sample sets that list the same accounts)."""
        listed_mask = self._listed(sample)
        key = (id(listed_mask), scope)
        context = self._contexts.get(key)
        if context is None:
            listed = self._listed_lists.get(id(listed_mask))
            if listed is None:
                listed = self._listed_lists[id(listed_mask)] = listed_mask.tolist()
            accounts = tuple([a for a in self._accounts_of_scope(scope) if listed[a]])
            # masks that list the same accounts of a scope share one context (and the texts
            # it has made)
            context = self._contexts_by_accounts.get((scope, accounts))
            if context is None:
                context = self._new_context(scope, accounts)
                self._contexts_by_accounts[(scope, accounts)] = context
            self._contexts[key] = context
        return context

    def _new_context(self, scope: int, accounts: tuple[int, ...]) -> QueryContext:
        sc = self.prep.scopes
        org_index = int(sc.scope_org[scope])
        org = sc.orgs[org_index]
        own = self._own.get(org_index)
        if own is None:
            org_scope = sc.n_accounts + sc.n_platforms + org_index
            own = tuple([self._registered[a] for a in self._accounts_of_scope(org_scope)])
            self._own[org_index] = own
        return QueryContext(
            dialect=self.dialect,
            window=self.prep.window,
            org_id=org.id,
            timezone=org.timezone,
            accounts=tuple([self._registered[a] for a in accounts]),
            own=own,
            dormant_since=self._dormant_since,
        )

    def query(self, sample: str, scope: int, note: str = "") -> str:
        return query(sample, self._context(sample, scope), self._label(scope), note)

    def refs(self, values: ScopeValues, scope: int) -> tuple[EvidenceRef, ...]:
        """Examples and query ref; made once per (sample set, scope) and shared by the metrics
        reading that set (a stated denominator makes a value's refs its own)."""
        if values.denominator is None:
            key = (values.sample, scope)
            found = self._refs.get(key)
            if found is None:
                found = self._refs[key] = self._make_refs(values.sample, scope, "")
            return found
        return self._make_refs(values.sample, scope, self._note(values, scope))

    def scope_refs(self, values: ScopeValues) -> list[tuple[EvidenceRef, ...]]:
        """:meth:`refs` of every scope at the metric's levels, by scope id (an empty tuple at
        the other levels): one pass per metric instead of one call per value."""
        sc = self.prep.scopes
        out: list[tuple[EvidenceRef, ...]] = [()] * sc.n
        scopes = self._scopes_at(values.levels)
        sample = values.sample
        if values.denominator is not None:
            for scope in scopes:
                out[scope] = self._make_refs(sample, scope, self._note(values, scope))
            return out
        # the loop of :meth:`refs` and :meth:`_make_refs`, with what they look up per value
        # looked up once
        made = self._refs
        examples = self._examples_of(sample)
        contexts = self._contexts
        listed = id(self._listed(sample))
        platforms, accounts = sc.scope_platform, sc.scope_account
        label = self._label
        for scope in scopes:
            key = (sample, scope)
            found = made.get(key)
            if found is None:
                context = contexts.get((listed, scope)) or self._context(sample, scope)
                sql = query(sample, context, label(scope))
                ref = EvidenceRef("query", sql, platforms[scope], accounts[scope])
                found = made[key] = (*examples.get(scope, ()), ref)
            out[scope] = found
        if sample == s.OWN_LINKS:
            links = self._link_refs(scopes)
            out = [(*refs, *links.get(scope, ())) for scope, refs in enumerate(out)]
        return out

    def _link_refs(self, scopes: list[int]) -> dict[int, tuple[EvidenceRef, ...]]:
        """Per scope: up to ``k`` links of its secondary accounts with a main account. Each is
        an item ref to the secondary account (a row of the sample's query) whose ``endpoint``
        says where the link was read and which way it goes: ``link:bio x/Acme ->
        reddit/acme_r`` (``post``, ``pinned``, ``bio`` or ``url``)."""
        prep = self.prep
        sc = prep.scopes
        main, secondary = secondary_accounts(prep)
        links = own_account_links(prep)
        source = links["source"].to_numpy(dtype=np.int64)
        target = links["target"].to_numpy(dtype=np.int64)
        hub = (secondary[source] & main[target]) | (main[source] & secondary[target])
        spoke = np.where(secondary[source], source, target)
        platforms = sc.accounts["platform"].tolist()
        handles = sc.accounts["handle"].tolist()
        wanted = set(scopes)
        out: dict[int, list[EvidenceRef]] = {}
        for a, b, via, c in zip(
            source[hub].tolist(),
            target[hub].tolist(),
            links["via"].to_numpy(dtype=object)[hub].tolist(),
            spoke[hub].tolist(),
            strict=True,
        ):
            ref = EvidenceRef(
                "item",
                handles[c],
                platforms[c],
                handles[c],
                f"link:{via} {platforms[a]}/{handles[a]} -> {platforms[b]}/{handles[b]}",
            )
            for scope in (c, int(sc.acc_pscope[c]), int(sc.acc_oscope[c])):
                if scope in wanted and len(out.setdefault(scope, [])) < self.k:
                    out[scope].append(ref)
        return {scope: tuple(refs) for scope, refs in out.items()}

    def _scopes_at(self, levels: frozenset[int]) -> list[int]:
        found = self._levels.get(levels)
        if found is None:
            level = self.prep.scopes.level.tolist()
            found = self._levels[levels] = [s for s, lv in enumerate(level) if lv in levels]
        return found

    @staticmethod
    def _note(values: ScopeValues, scope: int) -> str:
        assert values.denominator is not None
        return (
            "denominator: followers at window end x own posts, summed over accounts = "
            f"{values.denominator[scope]:,.0f}"
        )

    def _make_refs(self, sample: str, scope: int, note: str) -> tuple[EvidenceRef, ...]:
        sc = self.prep.scopes
        sql = query(sample, self._context(sample, scope), self._label(scope), note)
        ref = EvidenceRef("query", sql, sc.scope_platform[scope], sc.scope_account[scope])
        return (*self.examples(sample, scope), ref)
