"""Every input an assessment reads besides the APIs, checked before anything is collected.

The registry and the rubric are read whole (a bad one stops the run: nothing can be assessed).
Each organisation's questionnaire is read against the rubric: a bad one stops that
organisation only, before its accounts cost any API request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maturity.errors import InputError

if TYPE_CHECKING:
    from maturity.pipeline.settings import PipelineSettings


def rejected_organisations(settings: PipelineSettings) -> dict[str, InputError]:
    """The organisations whose own inputs are bad, each with the error that names the file,
    line and fix. Raises when the registry or the rubric itself is bad."""
    from maturity.questionnaire import load_questionnaire

    rubric = settings.rubric
    rejected: dict[str, InputError] = {}
    for org in settings.registry.organisations:
        if org.questionnaire is None:
            continue
        try:
            load_questionnaire(org.questionnaire, rubric, org.id)
        except InputError as exc:
            rejected[org.id] = exc
    return rejected


def check_inputs(settings: PipelineSettings) -> None:
    """Raise the first bad input of any organisation (the CLI stops at once, exit 2)."""
    for error in rejected_organisations(settings).values():
        raise error
