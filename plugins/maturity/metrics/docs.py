"""Generate docs/metrics.md from the metric dictionary: ``python -m maturity.metrics.docs``."""

from __future__ import annotations

import sys
from pathlib import Path

from maturity.metric_dictionary import METRICS

FAMILIES = {
    "presence": "Presence",
    "activity": "Activity",
    "responsiveness": "Responsiveness",
    "interaction": "Interaction",
    "organisation": "Organisation-wide",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


RULES = """## Counting rules

These rules decide what the metrics above count. They are general: the same for every
organisation, and written down here and in the modules named.

### Actionable inbound messages (`maturity.metrics.engine.webcare`)

As webcare tools do (Sprout Social and others: what needs no answer is excluded), the
responsiveness metrics count only *actionable* inbound messages. A message is left out as spam
for the first of these reasons that holds, and the evidence's notes count each reason
(`responsiveness.inbound_excluded_spam` counts them all):

1. **Flood.** Its text is one of at least 5 near-identical messages to the organisation on the
   same platform, and either its author sent 3 or more of them, or at least half of them carry
   a link (a promotion). Texts are compared after normalisation (case folded; links,
   `@mentions`, `u/` and `r/` names removed; digits as `0`; punctuation as spaces) by MinHash
   over word pairs, cut into 8 LSH bands (`datasketch`): texts that are about 60% or more the
   same share a band, and messages sharing a band chain into one group. Many customers writing
   nearly the same complaint without a link (an outage) are not a flood.
2. **Bot-like author.** Its author sent 10 or more messages to the organisation within one
   hour somewhere in the window; all of that author's messages are left out. (The records
   carry no author profile, such as account age: only the pseudonym and the times.)
3. **Link bait.** It carries a link and at most 3 words of its own.

The records keep no third party's text (docs/security.md): the assembler keeps only the text's
signature (the band hashes), its number of words and links, and for own posts whether it ends
with a personal sign-off (`maturity.connectors.text_features`). A message without a signature
(records from before this rule) can only be left out as a bot-like author.

### Automated replies

An organisation's first reply to a message is *automated* when its account answers at machine
speed around the clock (at least 10 answers within 60 seconds, making up 80% or more of its
answers, one of them to a message received at night, 00:00-07:00 local, or at the weekend:
those fast answers are automated); when it answers spam; or when its text is templated (one of
at least 5 near-identical replies of the account, such replies being half or more of its
replies with a known text) and carries no personal sign-off (`^JdV`, `Groet, Anna`, `- Sam`).
Human webcare that varies its words and signs its answers is not flagged.

A message whose first reply is automated counts as unanswered, unless a later reply of the
organisation to it is not automated (then that reply's delay counts). Automated replies count
for no response rate, first response time or within-1h/24h share, nor in the numerator of
`activity.reply_share`. `responsiveness.response_rate_raw` keeps the rate over all inbound
messages and all replies, to show beside it.

### Functions

`organisation.functions_with_accounts` counts a function only for an account that posted or
replied in the window. `leadership`, `employee` and `other` are no function; leadership
accounts are counted by `organisation.executive_accounts`.

### Hub-and-spoke links (`maturity.metrics.engine.own_links`)

A link joins two of the organisation's own accounts, on any platform, read from a post's
mentions (`post`, or `pinned` for the account's pinned post), the bio (`bio`: profile links
such as `x.com/handle`, `reddit.com/user/name`, `reddit.com/r/name`, also among the bio's
expanded links; `@handle` in an X bio; `u/name` and `r/name` in any bio) or the profile's
website field (`url`). The metric's evidence lists the links with where each was read
(`endpoint` `link:post`, `link:pinned`, `link:bio`, `link:url`).

### History caps (`maturity.metrics.engine.coverage`)

X serves at most the 3,200 most recent posts of a timeline and 800 mentions (Reddit about
1,000 items). An account whose collection reached a cap (the assembler marks its snapshot;
without that mark: posts or inbound messages at the cap, the oldest more than a day after the
window start) has data for the last part of the window only. Its posts per week and active
weeks are computed over the span its data covers, and so are a platform's and the
organisation's, over the span all their readable accounts cover; `activity.observed_span_days`
gives that span and `activity.history_capped` whether a cap was reached.
"""


def render() -> str:
    lines = [
        "# Metric dictionary",
        "",
        "<!-- Generated by `python -m maturity.metrics.docs docs/metrics.md` from",
        "     plugins/maturity/metric_dictionary.py. Do not edit by hand. -->",
        "",
        "Every metric the rubric may read. `n` is the sample size a value carries, counted in the",
        "unit of the *sample* column. A *proportion* that is a sample of behaviour is decided with",
        "a 95% Wilson interval; a *census* (every unit there is, such as profile fields) is",
        "compared as it is. Values are computed per account, then aggregated per organisation and",
        "platform, and over all platforms (`platform = all`).",
        "",
    ]
    for family, title in FAMILIES.items():
        lines += [
            f"## {title}",
            "",
            "| id | kind | unit | definition | denominator | sample (n) | window | census |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for m in (m for m in METRICS if m.family == family):
            lines.append(
                f"| `{m.id}` | {m.kind} | {_cell(m.unit)} | {_cell(m.definition)} | "
                f"{_cell(m.denominator)} | {_cell(m.sample)} | {m.window} | "
                f"{'yes' if m.census else 'no'} |"
            )
        lines.append("")
    labelled = [m for m in METRICS if m.label]
    if labelled:
        lines += ["## Labels", "", "| id | English | Nederlands |", "|---|---|---|"]
        lines += [f"| `{m.id}` | {_cell(m.label)} | {_cell(m.label_nl)} |" for m in labelled]
        lines.append("")
    lines.append(f"Platforms: every metric applies to {', '.join(METRICS[0].platforms)}.")
    lines += ["", RULES.rstrip("\n")]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
