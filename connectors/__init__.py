"""Platform connectors (installed as ``maturity.connectors``)."""

from maturity.connectors.redact import install as _install_log_redaction

_install_log_redaction()
