"""The web dashboard and reports."""
