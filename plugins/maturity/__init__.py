"""Social Business maturity assessments."""
