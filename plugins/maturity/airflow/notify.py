"""Alerts: a phase change, or an organisation that was not assessed, sent through one of
Airflow's own notifiers (SMTP, Slack, Apprise, ... or any ``BaseNotifier``).

The operator names the notifier in the Airflow Variable ``maturity_notify`` (JSON; also
``AIRFLOW_VAR_MATURITY_NOTIFY``)::

    {"notifier": "airflow.providers.smtp.notifications.smtp.SmtpNotifier",
     "kwargs": {"to": "marketing@example.org", "smtp_conn_id": "smtp_default"},
     "lang": "nl"}

``kwargs`` go to the notifier as they are (its connection id, recipients, channel); the alert's
title and text go into the arguments the notifier reads them from: :data:`MESSAGE_ARGUMENTS`
knows the providers' notifiers, and ``"title_arg"`` / ``"text_arg"`` name them for any other.
Without the Variable, alerts only go to the task log, as before. docs/airflow.md, "Alerts".
"""

from __future__ import annotations

import html
import importlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from maturity.evidence import Window
    from maturity.warehouse import AssessmentSummary, Warehouse

log = logging.getLogger(__name__)

NOTIFY_VARIABLE = "maturity_notify"

#: Where each provider notifier reads a title and a text: (title argument or None, text
#: argument, whether the text is HTML).
MESSAGE_ARGUMENTS: dict[str, tuple[str | None, str, bool]] = {
    "airflow.providers.smtp.notifications.smtp.SmtpNotifier": ("subject", "html_content", True),
    "airflow.providers.slack.notifications.slack.SlackNotifier": (None, "text", False),
    "airflow.providers.slack.notifications.slack_webhook.SlackWebhookNotifier": (
        None,
        "text",
        False,
    ),
    "airflow.providers.apprise.notifications.apprise.AppriseNotifier": ("title", "body", False),
}

WORDS = {
    "en": {
        "title": "Social Business maturity, window {window}: {changes} phase change(s), "
        "{failed} organisation(s) not assessed",
        "up": "went up",
        "down": "went down",
        "changed": "changed",
        "change": "Phase change: {name} ({org}) {direction} from {before} to {after}.",
        "failed": "Not assessed: {name} ({org}): {reason}",
    },
    "nl": {
        "title": "Volwassenheid van Social Business, venster {window}: {changes} "
        "fasewijziging(en), {failed} organisatie(s) niet beoordeeld",
        "up": "ging omhoog",
        "down": "ging omlaag",
        "changed": "veranderde",
        "change": "Fasewijziging: {name} ({org}) {direction} van {before} naar {after}.",
        "failed": "Niet beoordeeld: {name} ({org}): {reason}",
    },
}


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """The notifier the Variable names, checked before anything is sent."""

    notifier: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    lang: str = "en"
    title_arg: str | None = None
    text_arg: str | None = None

    def __post_init__(self) -> None:
        from maturity.errors import ConfigError

        where = f"Airflow Variable {NOTIFY_VARIABLE}"
        if not self.notifier or "." not in self.notifier:
            raise ConfigError(
                f"'notifier' must be the dotted path of a notifier class, not {self.notifier!r}",
                where=where,
                fix='e.g. "airflow.providers.smtp.notifications.smtp.SmtpNotifier"',
            )
        if self.lang not in WORDS:
            raise ConfigError(
                f"'lang' {self.lang!r} is not a language of the alerts",
                where=where,
                fix=f"use one of {', '.join(WORDS)}",
            )
        if self.text_arg is None and self.notifier not in MESSAGE_ARGUMENTS:
            raise ConfigError(
                f"the notifier {self.notifier} is not one whose message arguments are known",
                where=where,
                fix='name the argument that takes the text, e.g. "text_arg": "message" '
                '(and "title_arg" for a title)',
            )

    @property
    def arguments(self) -> tuple[str | None, str, bool]:
        if self.text_arg is not None:
            return self.title_arg, self.text_arg, False
        return MESSAGE_ARGUMENTS[self.notifier]

    @classmethod
    def parse(cls, raw: str) -> NotifySettings:
        from maturity.errors import ConfigError

        where = f"Airflow Variable {NOTIFY_VARIABLE}"
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                where=where,
                fix='give a JSON object, e.g. {"notifier": "...", "kwargs": {...}}',
            ) from None
        allowed = {"notifier", "kwargs", "lang", "title_arg", "text_arg"}
        if not isinstance(data, dict) or not set(data) <= allowed or "notifier" not in data:
            raise ConfigError(
                "must be a JSON object with 'notifier' and optionally "
                f"{', '.join(sorted(allowed - {'notifier'}))}",
                where=where,
                fix='e.g. {"notifier": "airflow.providers.smtp.notifications.smtp.SmtpNotifier", '
                '"kwargs": {"to": "team@example.org"}}',
            )
        if not isinstance(data.get("kwargs", {}), dict):
            raise ConfigError("'kwargs' must be a JSON object", where=where)
        return cls(**data)


def configured(raw: str | None = None) -> NotifySettings | None:
    """The notifier of the Variable ``maturity_notify`` (``raw`` instead, when given); None
    when it is unset: alerts then only go to the log."""
    if raw is None:
        from airflow.sdk import Variable

        raw = Variable.get(NOTIFY_VARIABLE, default=None)
    if raw is None or not str(raw).strip():
        return None
    return NotifySettings.parse(str(raw))


@dataclass(frozen=True, slots=True)
class Alert:
    title: str
    lines: tuple[str, ...]


def _label(s: AssessmentSummary, lang: str) -> str:
    from maturity.phases import outcome_labels

    label = outcome_labels(s.phase, s.verdict)[lang]
    return f"{int(s.phase)} {label}" if s.phase is not None and s.verdict == "assessed" else label


def phase_changes(
    wh: Warehouse, org_ids: Sequence[str], window_end: datetime
) -> list[tuple[str, AssessmentSummary, AssessmentSummary, str]]:
    """(org, before, after, direction) for each organisation whose newest assessment window
    ends at ``window_end`` (the run's data interval's end) and whose phase differs from the
    window before it (the comparison of ``maturity.airflow.views_tasks.phase_change``):
    changes of earlier windows were alerted when they were assessed."""
    from maturity.airflow.views_tasks import phase_change

    changes = []
    for org_id, history in wh.assessment_histories(org_ids).items():
        change = phase_change(history)
        if change is None:
            continue
        by_window = {s.window.key: s for s in history if s.rubric_id == change["rubric"]}
        before, after = by_window[change["from"]["window"]], by_window[change["to"]["window"]]
        if after.window.end != window_end:
            continue
        changes.append((org_id, before, after, str(change["direction"])))
    return changes


def alert(
    window: Window,
    changes: Sequence[tuple[str, AssessmentSummary, AssessmentSummary, str]],
    failed: Mapping[str, str],
    names: Mapping[str, str],
    lang: str = "en",
) -> Alert | None:
    """The alert of a run in ``lang``, or None when there is nothing to say."""
    if not changes and not failed:
        return None
    words = WORDS[lang]
    lines = [
        words["change"].format(
            name=names.get(org, org),
            org=org,
            direction=words[direction],
            before=_label(before, lang),
            after=_label(after, lang),
        )
        for org, before, after, direction in changes
    ]
    lines += [
        words["failed"].format(name=names.get(org, org), org=org, reason=reason)
        for org, reason in failed.items()
    ]
    span = f"{window.start:%Y-%m-%d} – {window.end:%Y-%m-%d}"
    title = words["title"].format(window=span, changes=len(changes), failed=len(failed))
    return Alert(title, tuple(lines))


def _raw(text: str) -> str:
    """Notifiers render their arguments as Jinja templates: text from the registry (names,
    reasons) is kept literal."""
    if any(mark in text for mark in ("{{", "{%", "{#")):
        return "{% raw %}" + text + "{% endraw %}"
    return text


def send(message: Alert, settings: NotifySettings, context: Mapping[str, Any]) -> None:
    """Build the configured notifier with the alert in its message arguments and call it with
    the task's context, as Airflow calls a notifier."""
    from maturity.errors import ConfigError

    module_name, _, class_name = settings.notifier.rpartition(".")
    try:
        notifier_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"cannot import the notifier {settings.notifier}: {exc}",
            where=f"Airflow Variable {NOTIFY_VARIABLE}",
            fix="install its provider (e.g. apache-airflow-providers-smtp) or fix the path",
        ) from None
    title_arg, text_arg, is_html = settings.arguments
    body = "\n".join(message.lines)
    if is_html:
        body = "<pre>" + html.escape(body) + "</pre>"
    elif title_arg is None:
        body = f"{message.title}\n{body}"
    arguments: dict[str, Any] = {**settings.kwargs, text_arg: _raw(body)}
    if title_arg is not None:
        arguments[title_arg] = _raw(message.title)
    notifier = notifier_class(**arguments)
    notifier(dict(context))
    log.info("alert sent through %s: %s", settings.notifier, message.title)
