"""The plugin API's JSON bodies: moved to :mod:`maturity.warehouse.payloads`, which the CLI's
``--json`` output shares; this name stays for the code that imports it from here."""

from __future__ import annotations

from maturity.warehouse.payloads import (
    JSON,
    assessment,
    criterion,
    evidence,
    explanation,
    organisation,
    phase_label,
    scored,
    summary,
    window,
)

__all__ = [
    "JSON",
    "assessment",
    "criterion",
    "evidence",
    "explanation",
    "organisation",
    "phase_label",
    "scored",
    "summary",
    "window",
]
