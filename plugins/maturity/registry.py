"""The organisation registry: which organisations to assess, and their official accounts.

The file format (YAML or JSON) is documented in docs/registry.md. Every error names the file,
the line and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from maturity.errors import InputError
from maturity.platforms import BLUESKY, MASTODON, REDDIT, X, known_platform
from maturity.yamlfile import load_document

FUNCTIONS = (
    "main",
    "service",
    "careers",
    "press",
    "regional",
    "leadership",
    "employee",
    "campaign",
    "other",
)


_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_DOMAIN = rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.(?![0-9])[A-Za-z0-9-]{{2,63}}(?<!-)"
"""A DNS name: dot-separated labels of letters, digits and inner dashes, at least two of them,
the last (the top-level domain) not starting with a digit; at most 253 characters."""

HANDLE_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    X: (re.compile(r"[A-Za-z0-9_]{1,15}"), "an X handle is 1 to 15 letters, digits or '_'"),
    REDDIT: (
        re.compile(r"[A-Za-z0-9_-]{3,20}"),
        "a Reddit username is 3 to 20 letters, digits, '_' or '-'",
    ),
    MASTODON: (
        re.compile(rf"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{{0,28}}[A-Za-z0-9_])?@{_DOMAIN}"),
        "a Mastodon handle is user@host: a username of up to 30 letters, digits or '_' "
        "(with '.' or '-' inside), '@' and the server's domain name",
    ),
    BLUESKY: (
        re.compile(_DOMAIN),
        "a Bluesky handle is a domain name such as name.bsky.social: labels of letters, "
        "digits and inner '-' joined by '.', at most 253 characters",
    ),
}
"""Each platform's real rules for an account handle, which becomes part of API URLs: a handle
that breaks them can only fail at the API (X answers HTTP 400) or reach another path."""

SUBREDDIT_RULE = (
    re.compile(r"[A-Za-z0-9_]{3,21}"),
    "a subreddit name is 3 to 21 letters, digits or '_' (no 'r/', '/', '.' or '?')",
)


def _rule_error(what: str, value: str, rule: str) -> ValueError:
    return ValueError(
        f"{what} '{value}' ({len(value)} characters) breaks the platform's rules: {rule}; "
        "use the name exactly as the platform shows it"
    )


class Account(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: str
    handle: str = Field(min_length=1, max_length=100)
    function: str = "main"
    subreddit: str | None = None
    """Reddit only: the organisation's own subreddit, if it has one."""

    @field_validator("platform")
    @classmethod
    def _platform(cls, v: str) -> str:
        return known_platform(v)

    @field_validator("function")
    @classmethod
    def _function(cls, v: str) -> str:
        if v not in FUNCTIONS:
            raise ValueError(f"unknown function '{v}'; use one of {list(FUNCTIONS)}")
        return v

    @field_validator("handle")
    @classmethod
    def _handle(cls, v: str, info: ValidationInfo) -> str:
        v = v.removeprefix("@").removeprefix("u/")
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+(@[A-Za-z0-9_.\-]+)?", v):
            raise ValueError(f"handle '{v}' has characters a handle cannot have")
        platform = info.data.get("platform")
        if platform in HANDLE_RULES:
            pattern, rule = HANDLE_RULES[platform]
            if not pattern.fullmatch(v):
                raise _rule_error(f"{platform} handle", v, rule)
        return v

    @field_validator("subreddit")
    @classmethod
    def _subreddit(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None or info.data.get("platform") != REDDIT:
            return v  # not a Reddit account: that is the error reported
        name = v.removeprefix("r/")
        pattern, rule = SUBREDDIT_RULE
        if not pattern.fullmatch(name):
            raise _rule_error("subreddit", name, rule)
        return name

    @model_validator(mode="after")
    def _subreddit_on_reddit(self) -> Account:
        if self.subreddit is not None and self.platform != "reddit":
            raise ValueError(f"'subreddit' only applies to reddit accounts, not {self.platform}")
        return self

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.handle.lower()}"


#: An organisation id: lower-case letters, digits and dashes, as in a URL slug.
ORG_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ORG_ID_MAX_LENGTH = 80


class Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ORG_ID_PATTERN, max_length=ORG_ID_MAX_LENGTH)
    name: str = Field(min_length=1)
    sector: str = "other"
    timezone: str = "Europe/Amsterdam"
    name_stems: tuple[str, ...] = ()
    """Lower-case stems of the organisation's name, for naming consistency."""
    questionnaire: Path | None = None
    accounts: tuple[Account, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone '{v}'; use an IANA name such as Europe/Amsterdam"
            ) from None
        return v

    @model_validator(mode="after")
    def _unique_accounts(self) -> Organisation:
        seen: set[str] = set()
        for a in self.accounts:
            if a.key in seen:
                raise ValueError(f"account {a.key} is listed twice")
            seen.add(a.key)
        return self

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(sorted({a.platform for a in self.accounts}))


class Registry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organisations: tuple[Organisation, ...]

    @model_validator(mode="after")
    def _unique_orgs(self) -> Registry:
        ids = [o.id for o in self.organisations]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"organisation id(s) listed twice: {dupes}")
        return self

    def get(self, org_id: str) -> Organisation:
        for o in self.organisations:
            if o.id == org_id:
                return o
        raise KeyError(org_id)


def load_registry(path: str | Path) -> Registry:
    """Load and validate a registry file; questionnaire paths resolve relative to it."""
    doc = load_document(path)
    if not isinstance(doc.data, dict):
        raise InputError("a registry must be a mapping with 'organisations'", where=str(path))
    data = {k: v for k, v in doc.data.items() if k != "format"}
    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        raise doc.invalid(exc, "see docs/registry.md for the registry format") from None
    base = doc.path.parent
    orgs = tuple(
        o.model_copy(
            update={
                "questionnaire": questionnaire_within(
                    base, o.questionnaire, doc.where(("organisations", i, "questionnaire"))
                )
            }
        )
        if o.questionnaire is not None and not o.questionnaire.is_absolute()
        else o
        for i, o in enumerate(registry.organisations)
    )
    return registry.model_copy(update={"organisations": orgs})


def questionnaire_within(base: Path, relative: Path, where: str) -> Path:
    """``base / relative``, refused when it leaves ``base`` (``../``, or a symbolic link out of
    it): a registry from elsewhere cannot make the product open files beside it. An absolute
    path is the operator's explicit choice and is not passed here."""
    path = base / relative
    try:
        path.resolve().relative_to(base.resolve())
    except ValueError:
        raise InputError(
            f"questionnaire path '{relative}' leaves the registry's folder",
            where=where,
            fix="keep questionnaires in the registry's folder or below it, or give an "
            "absolute path",
        ) from None
    return path
