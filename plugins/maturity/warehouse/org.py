"""The organisation and account rows the warehouse keeps (a slice of the registry)."""

from __future__ import annotations

from dataclasses import dataclass

from maturity.errors import InputError


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
