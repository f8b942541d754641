"""The organisation and account rows the warehouse keeps (a slice of the registry)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from maturity.errors import InputError

if TYPE_CHECKING:
    from maturity.registry import Organisation


@dataclass(frozen=True, slots=True)
class AccountRow:
    platform: str
    handle: str
    function: str = "main"
    subreddit: str | None = None

    @property
    def handle_lower(self) -> str:
        return self.handle.lower()


@dataclass(frozen=True, slots=True)
class OrgRow:
    org_id: str
    name: str
    sector: str = "other"
    timezone: str = "Europe/Amsterdam"
    accounts: tuple[AccountRow, ...] = ()
    """Registered accounts; written with the organisation when given, never deleted."""

    def __post_init__(self) -> None:
        if not self.org_id:
            raise InputError("organisation id is empty", where="OrgRow.org_id")
        if not self.name:
            raise InputError(f"organisation '{self.org_id}' has no name", where="OrgRow.name")

    @classmethod
    def of(cls, org: Organisation) -> OrgRow:
        """The row of a registry entry, with its accounts."""
        return cls(
            org_id=org.id,
            name=org.name,
            sector=org.sector,
            timezone=org.timezone,
            accounts=tuple(
                AccountRow(a.platform, a.handle, a.function, a.subreddit) for a in org.accounts
            ),
        )
