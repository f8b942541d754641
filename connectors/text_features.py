"""What the metrics need of a text, kept instead of the text: a near-duplicate signature, the
number of words and links, and whether it ends with a personal sign-off.

Third parties' texts are not kept in the records (docs/security.md); an assembler reads the text
from the landed page and keeps only these features. The signature is a MinHash (``datasketch``)
of the *normalised* text, cut into LSH bands: two texts whose word shingles overlap by about 60%
or more (Jaccard) share at least one band with high probability, and a band is a short hash, so
the text cannot be read back from it.

Normalisation: case-folded; links, ``@mentions``, ``u/`` and ``r/`` names removed; every run of
digits becomes ``0``; everything but letters and digits becomes a space. So ``Win an iPhone 15
at https://x.co/abc @acme!`` and ``WIN an iphone 16 at https://y.co/def @acme_care`` normalise
to the same text.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

#: MinHash permutations, cut into ``BANDS`` bands of ``ROWS`` rows each (LSH): texts with a
#: shingle Jaccard similarity s share a band with probability 1 - (1 - s^ROWS)^BANDS, about
#: 0.5 at s = 0.6 and above 0.95 at s = 0.8.
BANDS = 8
ROWS = 4
BAND_HEX = 8
"""Hex characters of one band's hash: a signature is ``BANDS * BAND_HEX`` characters."""
SIGNATURE_SEED = 20261202

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_NAMES = re.compile(r"(?<![\w/])(?:@|/?u/|/?r/)[\w-]+", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_NON_WORD = re.compile(r"[\W_]+")
#: A personal sign-off at the end of a text: ``^JdV``, ``^Fatima``, ``-Anna``, ``Groet, Anna``,
#: ``Gr. Jan``, ``Regards, Sam``, ``Cheers, Lee``, ``Mvg, Pieter``. Dutch webcare signs with
#: initials or a first name after ``^``; a first name runs to 12 letters.
_SIGN_OFF = re.compile(
    r"(?:[\^~]\s?[A-Z][A-Za-z]{0,11}\.?"
    r"|(?:^|\s)[-–—]\s?[A-Z][a-z]+"
    r"|\b(?i:groet(?:en|jes)?|gr\.?|mvg|vriendelijke groet|regards|cheers|best|thanks|bedankt)"
    r"[,.!]?\s+[A-Z][a-z]+(?:\s[A-Z][a-z]*\.?)?)"
    r"\s*[.!]?\s*$"
)


@dataclass(frozen=True, slots=True)
class TextFeatures:
    signature: str
    words: int
    links: int
    signed: bool


def normalise(text: str) -> str:
    """The text as near-duplicate detection compares it (see the module docstring)."""
    text = _URL.sub(" ", text)
    text = _NAMES.sub(" ", text)
    text = _DIGITS.sub("0", text.casefold())
    return " ".join(_NON_WORD.sub(" ", text).split())


def _shingles(words: list[str]) -> list[bytes]:
    if len(words) < 3:
        return [w.encode() for w in words] or [b""]
    return [f"{a} {b}".encode() for a, b in itertools.pairwise(words)]


@functools.cache
def _empty_minhash() -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=BANDS * ROWS, seed=SIGNATURE_SEED)


def signature(text: str) -> str:
    """The LSH band hashes of the MinHash of the normalised text, as one hex string."""
    minhash = _empty_minhash().copy()
    minhash.update_batch(_shingles(normalise(text).split()))
    values = minhash.hashvalues.astype("<u8")
    bands = (
        hashlib.blake2b(values[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=BAND_HEX // 2)
        for b in range(BANDS)
    )
    return "".join(band.hexdigest() for band in bands)


def signed(text: str) -> bool:
    """The text ends with a personal sign-off (a webcare agent's initials or name)."""
    return _SIGN_OFF.search(_URL.sub(" ", text).rstrip()) is not None


def text_features(text: str | None, links: int | None = None) -> TextFeatures | None:
    """The features of ``text`` (None when there is no text). ``links``: the links the API
    lists for it, when it does (else the links written in the text are counted)."""
    if text is None:
        return None
    found = len(_URL.findall(text))
    return TextFeatures(
        signature=signature(text),
        words=len(normalise(text).split()),
        links=max(found, links or 0),
        signed=signed(text),
    )
