"""The batched signatures and features equal datasketch's, one text at a time, bit for bit;
a landed page is decoded once per assembly; a pseudonymiser hashes each author once."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from maturity.connectors import text_features as tf
from maturity.connectors.decoded import DecodedPage, decoded
from maturity.connectors.landing import Envelope, LandedPage
from maturity.pseudonym import Pseudonymiser
from maturity.records import PageRef

_WORDS = [
    "de",
    "gemeente",
    "afval",
    "inzameling",
    "vraag",
    "antwoord",
    "Win",
    "an",
    "iPhone",
    "15",
    "https://x.co/abc",
    "www.example.nl/pad",
    "@acme_care",
    "u/redditor",
    "r/Utrecht",
    "^JdV",
    "Groet,",
    "Anna",
    "-Pieter",
    "café",
    "straße",
    "ÉÉN",
    "😀",
    "2026",
    "007",
    "#gemeente",
    "bericht",
    "nieuws",
    ",",
    ".",
    "!",
    "?",
    "—",
    "_",
    "\t",
    "\n",
]


def _texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    texts = [" ".join(rnd.choice(_WORDS) for _ in range(rnd.randint(0, 40))) for _ in range(n)]
    return [*texts, "", " ", "a", "a b", "een twee drie", "!!!", "@only @names"]


def test_batched_signatures_equal_datasketch_one_by_one() -> None:
    texts = _texts(600, seed=13)
    batched = tf.signatures(texts)
    assert batched == [tf.reference_signature(t) for t in texts]
    assert len(set(batched)) > 500  # distinct texts, distinct signatures: not one constant
    assert all(len(s) == tf.BANDS * tf.BAND_HEX for s in batched)


def test_batches_larger_than_one_chunk_keep_every_text_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _texts(250, seed=7)
    monkeypatch.setattr(tf, "_CHUNK", 64)
    assert tf.signatures(texts) == [tf.reference_signature(t) for t in texts]


def test_signature_of_near_duplicates_shares_bands() -> None:
    a = tf.signature("Win an iPhone 15 at https://x.co/abc @acme! Reageer nu en win hem")
    b = tf.signature("WIN an iphone 16 at https://y.co/def @acme_care Reageer nu en win hem")
    assert a == b  # they normalise to the same text


def test_features_of_equals_text_features_one_by_one() -> None:
    texts = _texts(300, seed=3)
    known = tf.features_of([*texts, None])
    for text in texts:
        links = random.Random(text).choice([None, 0, 1, 5])
        one = tf.text_features(text, links)
        assert tf.text_features(text, links, known) == one
        assert one is not None
        assert one.signature == tf.reference_signature(text)
        assert one.words == len(tf.normalise(text).split())
    assert tf.text_features(None, 3, known) is None


def test_api_links_raise_the_count_but_never_lower_it() -> None:
    text = "zie https://a.nl en https://b.nl"
    known = tf.features_of([text])
    assert tf.text_features(text, None, known).links == 2  # type: ignore[union-attr]
    assert tf.text_features(text, 1, known).links == 2  # type: ignore[union-attr]
    assert tf.text_features(text, 4, known).links == 4  # type: ignore[union-attr]


def _page(body: bytes) -> LandedPage:
    ref = PageRef(path="x/p.json", sha256="0" * 64, endpoint="GET /2/users/:id/tweets")
    env = Envelope(
        platform="x",
        endpoint=ref.endpoint,
        route="/2/users/1/tweets",
        path=ref.path,
        params={},
        fetched_at="2026-11-02T00:00:00Z",
        status=200,
        rate_limit={},
        sha256="0" * 64,
        size=len(body),
    )
    return LandedPage(ref, env, body)


def test_decoded_page_decodes_once_and_reads_like_the_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = _page(b'{"data": [{"id": "1"}], "meta": {"result_count": 1}}')
    (page,) = decoded([plain])
    assert isinstance(page, DecodedPage)
    assert page.ref == plain.ref
    assert page.envelope == plain.envelope
    assert page.body == plain.body
    expected = plain.json()
    calls = []
    real_loads = __import__("json").loads

    def counting(raw: bytes) -> object:
        calls.append(raw)
        return real_loads(raw)

    monkeypatch.setattr("maturity.connectors.decoded.json.loads", counting)
    assert page.json() == expected
    assert page.json() is page.json()
    assert len(calls) == 1
    assert decoded([page])[0] is page  # already decoded pages are kept


def test_decoded_page_that_is_not_json_raises_every_time() -> None:
    (page,) = decoded([_page(b"<html>captive portal</html>")])
    for _ in range(2):
        with pytest.raises(ValueError, match="Expecting value"):
            page.json()


def test_pseudonymiser_remembers_without_changing_a_pseudonym(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = Pseudonymiser(b"k" * 32)
    first = [fresh("x", str(i % 7)) for i in range(50)]
    assert first == [Pseudonymiser(b"k" * 32)("x", str(i % 7)) for i in range(50)]
    assert fresh("reddit", "1") != fresh("x", "1")
    hashed = []
    import maturity.pseudonym as module

    real_new = module.hmac.new
    monkeypatch.setattr(module.hmac, "new", lambda *a, **k: hashed.append(a) or real_new(*a, **k))
    again = Pseudonymiser(b"k" * 32)
    assert [again("x", str(i % 7)) for i in range(50)] == first
    assert len(hashed) == 7  # one HMAC per author, not per item
    with pytest.raises(ValueError, match="empty id"):
        again("x", "")


def test_pseudonymiser_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import maturity.pseudonym as module

    monkeypatch.setattr(module, "_MEMO_SIZE", 10)
    p = Pseudonymiser(b"k" * 32)
    values = [p("x", str(i)) for i in range(35)]
    assert len(p._memo) <= 10
    assert values == [Pseudonymiser(b"k" * 32)("x", str(i)) for i in range(35)]


def test_replace_keeps_a_text_features_record_frozen() -> None:
    f = tf.text_features("hallo wereld")
    assert f is not None
    with pytest.raises(AttributeError):
        f.words = 3  # type: ignore[misc]
    assert replace(f, words=3).words == 3
