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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

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
    return signatures([text])[0]


def reference_signature(text: str) -> str:
    """:func:`signature` through ``datasketch`` itself, one text at a time: the definition the
    batched :func:`signatures` must reproduce bit for bit (the tests compare them)."""
    return _reference_of_words(normalise(text).split())


def _bands(values: np.ndarray[Any, Any]) -> list[str]:
    """Each row of MinHash values (``<u8``) as its ``BANDS`` band hashes in hex."""
    raw = np.ascontiguousarray(values, dtype="<u8").tobytes()
    step = ROWS * 8
    blake = hashlib.blake2b
    size = BAND_HEX // 2
    bands = [
        blake(raw[i : i + step], digest_size=size).hexdigest() for i in range(0, len(raw), step)
    ]
    return ["".join(bands[r : r + BANDS]) for r in range(0, len(bands), BANDS)]


@functools.cache
def _scheme() -> tuple[str, np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The installed ``datasketch``'s permutation scheme, its ``a`` and ``b`` parameters and the
    initial hash values, read from the empty MinHash so the batch uses the very same values."""
    empty = _empty_minhash()
    a, b = empty.permutations
    return getattr(empty, "scheme", "legacy"), a, b, empty.hashvalues


_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64((1 << 32) - 1)
_CHUNK = 4_096
"""Texts hashed in one numpy pass: bounds the (shingles x permutations) array."""


def _fmix32(hv: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """MurmurHash3's 32-bit finaliser (what ``datasketch`` >= 2 applies before permuting)."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    mixed: np.ndarray[Any, Any] = hv ^ (hv >> np.uint32(16))
    return mixed


def signatures(texts: Sequence[str]) -> list[str]:
    """:func:`signature` of each text, computed in batches: one SHA-1 per shingle, then the
    permutations and the minimum of every text in a few numpy operations. Bit-identical to
    :func:`reference_signature` for ``datasketch``'s ``legacy`` and ``affine32`` schemes; any
    other scheme goes through the reference."""
    return _signatures_of_words([normalise(t).split() for t in texts])


def _signatures_of_words(words: Sequence[list[str]]) -> list[str]:
    """:func:`signatures` of texts already normalised and split into words."""
    scheme, a, b, init = _scheme()
    if scheme not in {"legacy", "affine32"}:
        return [_reference_of_words(w) for w in words]
    out: list[str] = []
    for start in range(0, len(words), _CHUNK):
        out.extend(_signature_chunk(words[start : start + _CHUNK], scheme, a, b, init))
    return out


def _reference_of_words(words: list[str]) -> str:
    minhash = _empty_minhash().copy()
    minhash.update_batch(_shingles(words))
    return _bands(minhash.hashvalues.astype("<u8").reshape(1, -1))[0]


def _signature_chunk(
    words: Sequence[list[str]],
    scheme: str,
    a: np.ndarray[Any, Any],
    b: np.ndarray[Any, Any],
    init: np.ndarray[Any, Any],
) -> list[str]:
    if not words:
        return []
    sha1 = hashlib.sha1
    digests: list[bytes] = []
    offsets: list[int] = []
    for split in words:
        offsets.append(len(digests))
        digests.extend(sha1(s).digest()[:4] for s in _shingles(split))
    hv = np.frombuffer(b"".join(digests), dtype="<u4").reshape(-1, 1)
    if scheme == "affine32":
        phv = _fmix32(hv.astype(np.uint32)) * a + b
    else:
        phv = ((hv.astype(np.uint64) * a + b) % _MERSENNE) & _MAX32
    lowest = np.minimum(np.minimum.reduceat(phv, offsets, axis=0), init)
    return _bands(lowest.astype("<u8"))


def signed(text: str) -> bool:
    """The text ends with a personal sign-off (a webcare agent's initials or name)."""
    return _SIGN_OFF.search(_URL.sub(" ", text).rstrip()) is not None


def text_features(
    text: str | None,
    links: int | None = None,
    known: Mapping[str, TextFeatures] | None = None,
) -> TextFeatures | None:
    """The features of ``text`` (None when there is no text). ``links``: the links the API
    lists for it, when it does (else the links written in the text are counted). ``known``:
    features computed beforehand by :func:`features_of` (looked up by the text; the same
    result, computed in one batch)."""
    if text is None:
        return None
    base = known.get(text) if known is not None else None
    if base is None:
        base = _features([text])[text]
    if links is None or links <= base.links:
        return base
    return TextFeatures(signature=base.signature, words=base.words, links=links, signed=base.signed)


def features_of(texts: Iterable[str | None]) -> dict[str, TextFeatures]:
    """The features of each distinct text (no ``links`` from an API), signatures computed in
    one batch: pass the result to :func:`text_features` as ``known``."""
    return _features(list(dict.fromkeys(t for t in texts if t is not None)))


def _features(texts: Sequence[str]) -> dict[str, TextFeatures]:
    words = [normalise(text).split() for text in texts]
    return {
        text: TextFeatures(
            signature=sig,
            words=len(split),
            links=len(_URL.findall(text)),
            signed=signed(text),
        )
        for text, split, sig in zip(texts, words, _signatures_of_words(words), strict=True)
    }
