"""A validation set the rubric did not write (issue 12, item 8).

Each *archetype* (:mod:`.archetypes`) is an organisation described in the maturity model's own
words, with a designed phase justified by a passage of the model (:mod:`.model_text`) and
behaviour parameters (:mod:`.behaviour`). :mod:`.builder` turns archetypes into an emulator
world, jittered per seed; :mod:`.runner` serves that world with the emulator, runs the
product's own collection and scoring path in-process and compares the estimated phases with
the designed ones (:mod:`.agreement`); :mod:`.report` writes ``VALIDITY.md`` and raw JSON.

Nothing here reads the rubric: the designed phases come from the model text, not from the
rubric's thresholds (``tests/unit/sandbox/validation/test_independence.py`` checks the
imports). ``python -m maturity.sandbox.validation`` (``make validate``) runs it.
"""
