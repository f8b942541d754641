"""The words behind each decision, in English and Dutch.

Scoring stores the English reason with every check and criterion (the warehouse keeps it as
evidence); a reader who asks for Dutch gets the same sentence rebuilt from the stored numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from maturity.platforms import ALL

if TYPE_CHECKING:
    from maturity.assessment import CriterionResult, PlatformCheck
    from maturity.evidence import DeclaredFact
    from maturity.rubric import Criterion

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
                f"{min_sample}; {needs}"
            )
        return (
            f"{value} {where} uit n={check.n}, onder de minimale steekproef van "
            f"{min_sample}; {needs}"
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


def join(reasons: Sequence[str]) -> str:
    return "; ".join(reasons)


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
            return not_declared_reason(criterion.fact or "", lang)
        return fact_reason(result.facts[0], criterion.comparator, threshold, lang)
    if not result.checks:
        return no_value_reason(
            criterion.metric or "", criterion.thresholds(), criterion.comparator, lang
        )
    deciding = [c for c in result.checks if c.status == result.status] or list(result.checks)
    return join(
        [check_reason(c, criterion.comparator, criterion.min_sample, lang) for c in deciding]
    )
