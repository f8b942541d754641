"""Provider info, for the ``apache_airflow_provider`` entry point.

Airflow's providers manager reads it to learn the product's connection types (the connection
form in the UI, ``airflow connections``, hook lookup by type).

The plugin is deliberately not listed under ``plugins``: it is loaded through the
``airflow.plugins`` entry point, and when ``[core] lazy_discover_providers`` is off Airflow also
loads every provider's plugins, finds ``maturity`` a second time and records the duplicate as a
plugin import error.
"""

from __future__ import annotations

from typing import Any

from maturity.airflow import connection_types

PACKAGE = "social-maturity"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # pragma: no cover - only from an uninstalled tree
        return "0+unknown"


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": PACKAGE,
        "name": "Social Business maturity",
        "description": (
            "Connection types and hooks of the social-maturity product: the X and Reddit "
            "credentials it collects with, and the warehouse it writes assessments to."
        ),
        "versions": [_version()],
        "connection-types": [
            t.provider_entry() for t in connection_types.CONNECTION_TYPES.values()
        ],
    }
