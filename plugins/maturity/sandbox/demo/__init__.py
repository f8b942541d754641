"""Demo inputs shipped with the package: evidence, registry and an example sector rubric.

The one place that names these files; only the standard library is imported, so the product's
fallback to the demo registry (``MATURITY_REGISTRY`` unset) costs nothing.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

REGISTRY_FILE = "registry.yaml"
EVIDENCE_FILE = "evidence.yaml"
STRICT_RUBRIC_FILE = "rubric-municipality-strict.yaml"


def demo_file(name: str) -> Path:
    """The path of the demo data file ``name`` in this package."""
    return Path(str(files(__name__).joinpath(name)))


def demo_registry_path() -> Path:
    """The demo organisation registry (the same fictional organisations as the evidence)."""
    return demo_file(REGISTRY_FILE)


def demo_evidence_path() -> Path:
    """The demo metrics-and-facts file that ``maturity demo`` scores."""
    return demo_file(EVIDENCE_FILE)


def demo_strict_rubric_path() -> Path:
    """An example sector rubric (municipalities, stricter than the default)."""
    return demo_file(STRICT_RUBRIC_FILE)
