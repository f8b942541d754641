"""Demo inputs shipped with the package: evidence, registry and an example sector rubric."""
