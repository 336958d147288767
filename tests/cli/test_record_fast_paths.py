"""Recording helpers on their fast paths: the snapshot digest's canonical form (the C JSON encoder writes exactly
what the rfc8785 library writes; everything it cannot write exactly goes to the library), and scrubbing in place."""

import json

import pytest
import rfc8785
from hypothesis import given, settings, strategies as st

from aliaudit import record
from conftest import examples, fixture_path

TRICKY = ["", "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", "\x00\x01\x1f\x7f", "é中文", "\u2028\u2029",
          "\ue000\uffff", "emoji \U0001f600", "<>&'"]


def test_every_fixture_canonicalises_as_rfc8785_does():
    for name in ("hk-insurer-gaps.json", "hk-insurer-compliant.json"):
        with open(fixture_path(name), encoding="utf-8") as fh:
            doc = json.load(fh)
        assert record._plain(doc)
        assert record.canonical(doc) == rfc8785.dumps({k: v for k, v in doc.items() if k != "digest"})


@pytest.mark.parametrize("text", TRICKY)
def test_strings_and_keys_canonicalise_as_rfc8785_does(text):
    doc = {"a": text, text: [text, 1, -2, True, False, None, {"z": 0, "y": {}}, []], "\ue000": 1, "\U0001f600": 2}
    assert record.canonical(doc) == rfc8785.dumps(doc)


@pytest.mark.parametrize("value", [0.98, -1.5, 0.0001, 123456.789, 9999999999999998.5 / 10])
def test_floats_written_as_str_writes_them_take_the_fast_path(value):
    doc = {"v": value, "k": [value, 1]}
    assert record._plain(doc)
    assert record.canonical(doc) == rfc8785.dumps(doc)


@pytest.mark.parametrize("value", [1.0, -0.0, 1e21, 1e16, 0.00001, 1.5e-7, 2**53, -(2**53), float("inf"), float("nan")])
def test_what_the_fast_path_cannot_write_goes_to_rfc8785(value):
    doc = {"v": value, "k": [value]}
    assert not record._plain(doc)
    try:
        expected = rfc8785.dumps(doc)
    except rfc8785.CanonicalizationError:
        with pytest.raises(record.UsageError):
            record.canonical(doc)
    else:
        assert record.canonical(doc) == expected


def c_encoder(doc) -> bytes:
    """The canonical form as it was written before orjson: the C JSON encoder, sorted keys, no spaces."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


plain_keys = st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=8)
plain_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**53 - 1), 2**53 - 1),
                          st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
                          st.sampled_from(TRICKY + [0.98, 1e-05, 123456789012345.6, 1e15 + 0.5, 5e-324]))
plain_docs = st.recursive(plain_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=6), st.dictionaries(plain_keys, inner, max_size=6)), max_leaves=40)


@settings(max_examples=examples(300))
@given(plain_docs)
def test_the_orjson_canonical_form_is_the_c_encoders_and_rfc8785s(doc):
    """canonical() writes with orjson whenever it can; its bytes are those of the C encoder and of rfc8785."""
    doc = {"d": doc}
    try:
        expected = rfc8785.dumps(doc)
    except (rfc8785.CanonicalizationError, ValueError):
        with pytest.raises(record.UsageError):
            record.canonical(doc)
        return
    assert record.canonical(doc) == expected
    if record._plain(doc):
        assert record.canonical(doc) == c_encoder(doc)


@pytest.mark.parametrize("value", [0.98, 123456789012345.6, 0.0001, 1e15 + 0.5])
def test_floats_orjson_writes_as_str_does_take_orjson(value, monkeypatch):
    import orjson

    calls = []
    real = orjson.dumps
    monkeypatch.setattr(record.orjson, "dumps", lambda v, **kw: calls.append(kw) or real(v, **kw))
    doc = {"v": value, "s": TRICKY, "k": {"\ue000": 1, "a": [True, None, -(2**53 - 1)]}}
    assert record.canonical(doc) == c_encoder(doc) == rfc8785.dumps(doc)
    assert any(kw.get("option") for kw in calls)  # the whole document went through orjson


def test_a_lone_surrogate_is_refused_as_before():
    with pytest.raises(record.UsageError):
        record.canonical({"a": "\ud800"})


@pytest.mark.parametrize("secrets", [[], ["s3cr3t-value"], ["s3cr3t-value", ""]])
def test_scrubbing_in_place_gives_what_scrub_gives(secrets):
    import copy

    doc = {"a": "x s3cr3t-value y", "Signature": "drop", "n": [1, "s3cr3t-value", {"AccessKeySecret": "z", "k": None,
           "deep": [["s3cr3t-value"]]}], "s3cr3t-value": "key kept", "t": True}
    expected = record.scrub(copy.deepcopy(doc), secrets)
    assert record.scrub_in_place(doc, secrets) == expected
    assert doc == expected


def test_large_documents_written_in_pieces_give_the_same_bytes_and_digest():
    """The orjson form is written (and hashed) a piece at a time: members near the top, long lists a slice at
    a time; the pieces join to the C encoder's bytes."""
    import hashlib

    items = [{"Id": f"i-{n}", "z": n, "a": [0.98, "x:y", {"\ue000": None, "b": True}]} for n in range(1300)]
    doc = {"format": "f", "accounts": [{"regions": {"r": {"p": {"k": items, "e": []}, "q": {}}}, "errors": items}],
           "digest": {"value": "ignored"}}
    body = {k: v for k, v in doc.items() if k != "digest"}
    assert record.canonical(doc) == c_encoder(body)
    assert record.digest(doc) == hashlib.sha256(c_encoder(body)).hexdigest()
    doc["accounts"][0]["errors"][1299]["a"][1] = "\ud800"  # refused by orjson in the last piece: the slow path
    with pytest.raises(record.UsageError):
        record.digest(doc)


scrub_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=6),
                          st.sampled_from(["s3cr3t", "a s3cr3t b", 'q"s3cr3t\n', "\ud800s3cr3t"]))
scrub_docs = st.recursive(scrub_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.tuples(inner), st.dictionaries(
        st.sampled_from(["a", "s3cr3t", "Signature", "AccessKeySecret", "k"]), inner, max_size=4)), max_leaves=30)


@settings(max_examples=examples(300))
@given(scrub_docs, st.sampled_from([[], ["s3cr3t"], ['q"s3cr3t'], ["absent"]]))
def test_scrubbing_in_place_gives_what_scrub_gives_for_any_document(doc, secrets):
    import copy

    doc = {"d": doc}  # a report is an object: a string at the top could not be changed in place
    expected = record.scrub(copy.deepcopy(doc), secrets)
    assert record.scrub_in_place(doc, secrets) == expected
