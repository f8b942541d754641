"""Whether an account's handle, name or bio names the organisation (its registered name stems)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from maturity.metrics.engine.scopes import BoolArray, Scopes


def org_has_stems(scopes: Scopes) -> BoolArray:
    """Per account: its organisation registered at least one name stem."""
    has = np.array([bool(_stems(o.name_stems)) for o in scopes.orgs], dtype=bool)
    return has[scopes.acc_org] if scopes.n_accounts else np.zeros(0, dtype=bool)


def _stems(stems: Sequence[str]) -> tuple[str, ...]:
    return tuple(s.casefold() for s in stems if s.strip())


def names_stem(scopes: Scopes, *texts: pd.Series) -> BoolArray:
    """Per account: one of ``texts`` (per-account columns) contains a stem of its organisation.

    Case-insensitive substring match; a loop over accounts and stems, never over records.
    """
    joined = pd.Series([""] * scopes.n_accounts, dtype="str")
    for text in texts:
        joined = joined + "\n" + text.fillna("").astype("str").str.casefold()
    stems = [_stems(o.name_stems) for o in scopes.orgs]
    return np.array(
        [
            any(s in text for s in stems[org])
            for text, org in zip(joined, scopes.acc_org, strict=True)
        ],
        dtype=bool,
    )
