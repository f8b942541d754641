"""Platform connectors (installed as ``maturity.connectors``)."""
