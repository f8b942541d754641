"""The words behind each decision, in English and Dutch.

Scoring stores the English reason with every check and criterion (the warehouse keeps it as
evidence); a reader who asks for Dutch gets the same sentence rebuilt from the stored numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from maturity.platforms import ALL

if TYPE_CHECKING:
    from datetime import date

    from maturity.assessment import CriterionResult, Note, PlatformCheck
    from maturity.evidence import DeclaredFact, MetricValue
    from maturity.rubric import Criterion

UNDECIDED = {
    "en": "cannot be decided yet (too little evidence)",
    "nl": "nog niet te beslissen (te weinig bewijs)",
}

VERDICTS = {
    "en": {"met": "meets", "not_met": "misses", "uncertain": "cannot yet be told from"},
    "nl": {
        "met": "voldoet aan",
        "not_met": "haalt niet",
        "uncertain": "is nog niet te toetsen aan",
    },
}


def fmt(x: float, lang: str = "en") -> str:
    text = f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def on(platform: str, lang: str = "en") -> str:
    if platform == ALL:
        return "over all platforms" if lang == "en" else "over alle platforms"
    return f"on {platform}" if lang == "en" else f"op {platform}"


def want(comparator: str, threshold: float, lang: str = "en") -> str:
    return f"{'needs' if lang == 'en' else 'nodig'} {comparator} {fmt(threshold, lang)}"


def check_reason(check: PlatformCheck, comparator: str, min_sample: int, lang: str = "en") -> str:
    """One metric value against one threshold, in words."""
    needs = want(comparator, check.threshold, lang)
    where = on(check.platform, lang)
    if check.status == "unknown" or check.value is None:
        return f"{'no data' if lang == 'en' else 'geen gegevens'} {where}; {needs}"
    value = fmt(check.value, lang)
    if check.n < min_sample:
        if lang == "en":
            return (
                f"{value} {where} from n={check.n}, below the minimum sample of "
                f"{min_sample}: {UNDECIDED[lang]}; {needs}"
            )
        return (
            f"{value} {where} uit n={check.n}, onder de minimale steekproef van "
            f"{min_sample}: {UNDECIDED[lang]}; {needs}"
        )
    span = ""
    if check.low is not None and check.high is not None and check.low != check.high:
        label = "95% interval" if lang == "en" else "95%-interval"
        span = f" ({label} {fmt(check.low, lang)}-{fmt(check.high, lang)})"
    verdict = VERDICTS[lang][str(check.status)]
    return (
        f"{value} {where}{span}, n={check.n}, {verdict} {comparator} {fmt(check.threshold, lang)}"
    )


def no_value_reason(
    metric: str, thresholds: dict[str, float], comparator: str, lang: str = "en"
) -> str:
    wants = ", ".join(f"{p} {comparator} {fmt(t, lang)}" for p, t in thresholds.items())
    if lang == "en":
        return f"no value of {metric} was measured; needs {wants}"
    return f"{metric} is niet gemeten; nodig {wants}"


def not_declared_reason(fact_id: str, lang: str = "en") -> str:
    if lang == "en":
        return f"not declared: answer '{fact_id}' in the questionnaire"
    return f"niet verklaard: beantwoord '{fact_id}' in de vragenlijst"


def fact_reason(fact: DeclaredFact, comparator: str, threshold: float, lang: str = "en") -> str:
    if isinstance(fact.value, bool):
        shown = (
            ("true" if fact.value else "false") if lang == "en" else ("ja" if fact.value else "nee")
        )
    else:
        shown = fmt(float(fact.value), lang)
    when = fact.declared_at.isoformat()
    if lang == "en":
        return (
            f"declared {shown} by {fact.declared_by} on {when}; "
            f"needs {comparator} {fmt(threshold, 'en')}"
        )
    return (
        f"verklaard {shown} door {fact.declared_by} op {when}; "
        f"nodig {comparator} {fmt(threshold, 'nl')}"
    )


def declared_later_reason(fact_id: str, first: date, lang: str = "en") -> str:
    if lang == "en":
        return (
            f"'{fact_id}' was declared only on {first.isoformat()}, after the window's end, "
            "so it is not used for this window"
        )
    return (
        f"'{fact_id}' is pas op {first.isoformat()} verklaard, na het eind van de periode, "
        "en telt daarom niet voor deze periode"
    )


def _flag(flag: str, lang: str) -> str | None:
    code, _, arg = flag.partition(":")
    if code == "history_capped":
        if lang == "en":
            return (
                f"the platform capped the history: the data covers only {arg} days, so missing "
                "weeks are not read as silence"
            )
        return (
            f"het platform beperkt de geschiedenis: de gegevens beslaan maar {arg} dagen, dus "
            "ontbrekende weken tellen niet als stilte"
        )
    if code == "stale":
        if lang == "en":
            return f"stale: declared more than {arg} months before the window's end"
        return f"verouderd: meer dan {arg} maanden voor het eind van de periode verklaard"
    if code == "pooled_threshold":
        parts = []
        for part in arg.split(","):
            platform, _, rest = part.partition("=")
            t, _, n = rest.partition("@")
            parts.append(f"{platform} {fmt(float(t), lang)} (n={n})")
        if lang == "en":
            return "the threshold weighs each platform's own by its sample: " + ", ".join(parts)
        return "de drempel weegt die van elk platform naar zijn steekproef: " + ", ".join(parts)
    if code == "discounted_by":
        if lang == "en":
            return (
                f"not taken on the questionnaire's word: observed evidence contradicts its "
                f"claim of {arg}"
            )
        return f"niet op het woord van de vragenlijst aangenomen: waarnemingen weerspreken {arg}"
    return None


def with_flags(reason: str, flags: Sequence[str], lang: str) -> str:
    """``reason`` with the words of its flags (capped history, staleness) after it."""
    extra = [t for t in (_flag(f, lang) for f in flags) if t]
    return join([reason, *extra])


def contradiction_reason(v: MetricValue, why: str, lang: str = "en") -> str:
    value = fmt(float(v.value or 0.0), lang)
    if lang == "en":
        return f"contradicted: {v.metric_id} is {value} (n={v.n}) {on(v.platform, lang)}; {why}"
    return f"tegengesproken: {v.metric_id} is {value} (n={v.n}) {on(v.platform, lang)}; {why}"


def declared_flags(
    reason: str,
    criterion: Criterion,
    flags: Sequence[str],
    against: Sequence[MetricValue],
    lang: str,
) -> str:
    """A declared criterion's reason with its staleness and what contradicts it."""
    out = with_flags(reason, flags, lang)
    whys = {c.metric: c.why.get(lang) for c in criterion.contradicted_when}
    return join([out, *(contradiction_reason(v, whys.get(v.metric_id, ""), lang) for v in against)])


def unreadable_reason(lang: str = "en") -> str:
    if lang == "en":
        return (
            "no account of the organisation could be read (not found, protected or suspended), "
            "so nothing was observed"
        )
    return (
        "geen account van de organisatie was te lezen (niet gevonden, afgeschermd of "
        "geschorst), dus er is niets waargenomen"
    )


def join(reasons: Sequence[str]) -> str:
    return "; ".join(r for r in reasons if r)


_STATUS_WORDS = {
    "en": {
        "not_found": "not found: check the registry",
        "protected": "protected",
        "suspended": "suspended",
    },
    "nl": {
        "not_found": "niet gevonden: controleer het register",
        "protected": "afgeschermd",
        "suspended": "geschorst",
    },
}


def account_status_text(status: str, lang: str = "en") -> str:
    return _STATUS_WORDS[lang].get(status, status)


def _lapsed(note: Note, lang: str) -> str:
    phase = int(note.value or 0)
    if lang == "en":
        return (
            f"lapsed: the assessment of {note.detail} reached phase {phase}, and the accounts "
            "have gone quiet since"
        )
    return (
        f"teruggevallen: de beoordeling van {note.detail} bereikte fase {phase}, en de accounts "
        "zijn sindsdien stil"
    )


def _account_lapsed(note: Note, lang: str) -> str:
    who = f"{note.platform}:{note.account}"
    if lang == "en":
        return (
            f"account lapsed: {who} posted in the window assessed on {note.detail} and not in "
            "this one; if the organisation moved to another platform, list that account and "
            "retire this one in the registry"
        )
    return (
        f"account teruggevallen: {who} plaatste berichten in de periode beoordeeld op "
        f"{note.detail} en in deze niet; is de organisatie naar een ander platform verhuisd, "
        "neem dat account dan op in het register en sluit dit af"
    )


def _capped(note: Note, lang: str) -> str:
    days = fmt(note.value or 0.0, lang)
    if lang == "en":
        return f"the platform capped the history: the data covers {days} days"
    return f"het platform beperkt de geschiedenis: de gegevens beslaan {days} dagen"


def _automated(note: Note, lang: str) -> str:
    share = f"{note.value or 0.0:.0%}"
    if lang == "en":
        return (
            f"automated replies: {share} of the organisation's replies (n={note.detail}) look "
            "automated; response figures may overstate webcare"
        )
    return (
        f"automatische antwoorden: {share} van de antwoorden (n={note.detail}) lijkt "
        "automatisch; responscijfers kunnen de webcare overschatten"
    )


def _lookback(note: Note, lang: str) -> str:
    days = int(note.value or 0)
    if lang == "en":
        return (
            f"the window is {days} days, but the rubric is calibrated for {note.detail} days "
            "(MATURITY_LOOKBACK_DAYS)"
        )
    return (
        f"de periode is {days} dagen, maar de rubriek is afgesteld op {note.detail} dagen "
        "(MATURITY_LOOKBACK_DAYS)"
    )


def _undecided(note: Note, lang: str) -> str:
    phase = int(note.value or 0)
    if lang == "en":
        return f"phase {phase} {UNDECIDED[lang]}"
    return f"fase {phase} is {UNDECIDED[lang]}"


def _unreadable(note: Note, lang: str) -> str:
    return f"{note.platform}:{note.account}: {account_status_text(note.detail, lang)}"


_NOTE_TEXT = {
    "unreadable_account": _unreadable,
    "next_phase_undecided": _undecided,
    "lapsed": _lapsed,
    "account_lapsed": _account_lapsed,
    "history_capped": _capped,
    "automated_replies": _automated,
    "lookback_mismatch": _lookback,
}


def note_text(note: Note, lang: str = "en") -> str:
    """One note of an assessment, in words."""
    render = _NOTE_TEXT.get(note.code)
    return render(note, lang) if render else f"{note.code} {note.detail}".strip()


def criterion_reason(result: CriterionResult, criterion: Criterion | None, lang: str) -> str:
    """The reason of a stored criterion result in ``lang``; the stored text if it cannot be
    rebuilt (no rubric at hand) or English is asked."""
    if lang == "en" or criterion is None:
        return result.reason
    if result.kind == "declared":
        threshold = criterion.threshold_for("default")
        if threshold is None:
            threshold = min(criterion.thresholds().values())
        if not result.facts:
            later = [f.partition(":")[2] for f in result.flags if f.startswith("declared_after")]
            if later:
                from datetime import date

                return declared_later_reason(
                    criterion.fact or "", date.fromisoformat(later[0]), lang
                )
            return not_declared_reason(criterion.fact or "", lang)
        reason = fact_reason(result.facts[0], criterion.comparator, threshold, lang)
        return declared_flags(reason, criterion, result.flags, result.metric_values, lang)
    if "no_readable_account" in result.flags:
        return unreadable_reason(lang)
    if not result.checks:
        return no_value_reason(
            criterion.metric or "", criterion.thresholds(), criterion.comparator, lang
        )
    deciding = [c for c in result.checks if c.status == result.status] or list(result.checks)
    return with_flags(
        join([check_reason(c, criterion.comparator, criterion.min_sample, lang) for c in deciding]),
        result.flags,
        lang,
    )
