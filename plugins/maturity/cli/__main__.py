"""``python -m maturity.cli``: the same as the ``maturity`` command."""

from maturity.cli import app

app()
