"""An account's function, guessed from its handle, name and bio; the user can override it.

The words are the ones Dutch and English organisations put in their account names and bios.
The function with the most matching words wins; on a tie the order of ``RULES`` decides; with
none the account is the organisation's ``main`` account. The guess always says which words it
rests on, so a reviewer can see why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Function -> words (lower case) that point at it, Dutch and English.
RULES: Mapping[str, tuple[str, ...]] = {
    "leadership": (
        "burgemeester", "wethouder", "gedeputeerde", "commissaris van de koning", "directeur",
        "bestuurder", "voorzitter", "ceo", "cfo", "mayor", "alderman", "director", "chair",
        "board",
    ),
    "service": (
        "webcare", "klantenservice", "klantcontact", "helpt", "hulp", "vragen", "service",
        "support", "help", "customer care", "stel je vraag", "we helpen",
    ),
    "careers": (
        "werkenbij", "werken bij", "vacature", "vacatures", "banen", "stage", "careers",
        "career", "jobs", "werkenvoor", "join our team",
    ),
    "press": (
        "pers", "persvoorlichting", "woordvoerder", "nieuws", "press", "media", "newsroom",
        "news",
    ),
    "regional": ("regio", "region", "regional", "stadsdeel", "wijk", "district", "afdeling"),
}  # fmt: skip


@dataclass(frozen=True)
class Classification:
    function: str
    words: tuple[str, ...]
    overridden: bool = False

    def reason(self) -> str:
        if self.overridden:
            return "set by the user"
        if not self.words:
            return "no function words in handle, name or bio: main account"
        return "words: " + ", ".join(f"'{w}'" for w in self.words)


def _tokens(text: str) -> str:
    # Split camel case and separators, so "DuinwijkHelpt" and "werken_bij" read as words.
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return " " + " ".join(re.split(r"[^0-9A-Za-zÀ-ÿ]+", spaced.lower())) + " "


def classify(handle: str, display_name: str = "", bio: str = "") -> Classification:
    user = handle.split("@", 1)[0]
    text = _tokens(f"{user} {display_name} {bio}")
    squashed = re.sub(r"[^0-9a-zà-ÿ]+", "", f"{user}".lower())
    best: Classification | None = None
    for function, words in RULES.items():
        hits = tuple(
            w for w in words if f" {w} " in text or (len(w) >= 5 and w.replace(" ", "") in squashed)
        )
        if hits and (best is None or len(hits) > len(best.words)):
            best = Classification(function, hits)
    return best or Classification("main", ())
