"""Strict JSON at C speed: inputs.parse_json_fast (orjson, checked against the text) returns exactly what the
strict standard-library parse returns, or None (then the standard library decides, with its messages). It never
accepts what the strict parse refuses: a duplicate key (also one spelled with an escape), nesting deeper than the
limit, an integer beyond 64 bits (orjson would read it as a float), NaN, a lone surrogate, invalid UTF-8."""

import json

import pytest
from hypothesis import given, settings, strategies as st

from aliaudit import inputs, snapshot
from aliaudit.errors import UsageError
from conftest import examples

keys = st.sampled_from(["a", "b", "a:b", ":", "\u0061", "k\\:", "\u00e9", "\ud83d\ude00", "x" * 70])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                    st.text(max_size=8), st.sampled_from([":", "a:b:", "1e+5", '":', "\\u003a"]))
docs = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                     st.dictionaries(keys, inner, max_size=4)), max_leaves=30)


def strict(text):
    """What parse_json's standard-library path makes of text: the document, or the exception it raises."""
    try:
        return inputs.parse_json(text, "t.json") if inputs.parse_json_fast(text) is None else _slow(text)
    except UsageError as exc:
        return exc


def _slow(text):
    saved = inputs.parse_json_fast
    try:
        inputs.parse_json_fast = lambda data, limit=inputs.MAX_DEPTH: None
        return inputs.parse_json(text, "t.json")
    finally:
        inputs.parse_json_fast = saved


def same(a, b) -> bool:
    """Equal, with the same types (1 is not 1.0), key order included."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)


def variants(doc):
    text = json.dumps(doc, ensure_ascii=False)
    yield text
    yield json.dumps(doc, indent=2)
    if text.startswith("{") and len(text) > 2:  # a repeated key, written plainly and with an escape
        yield '{"a": 1, "a": 2, ' + text[1:]
        yield '{"a": 1, "\\u0061": [1], ' + text[1:]
        yield '{"x": {"a": 1, "a": ":"}, ' + text[1:]


@settings(max_examples=examples(300))
@given(docs)
def test_the_fast_path_gives_what_the_strict_parse_gives_or_steps_aside(doc):
    for text in variants(doc):
        slow = _slow_or_error(text)
        for data in (text, text.encode("utf-8", "surrogatepass")):
            fast = inputs.parse_json_fast(data)
            if fast is not None:
                assert not isinstance(slow, Exception), (text, slow)
                assert same(fast, slow), text


def _slow_or_error(text):
    try:
        return _slow(text)
    except UsageError as exc:
        return exc


@pytest.mark.parametrize("text", [
    '{"a": 1, "a": 2}', '{"a": 1, "\\u0061": 2}', '{"k": {"x": ":", "x": 1}}', '{"a:": 1, "a\\u003a": 2}',
    "[" + "9" * 5000 + "]", '{"a": NaN}', "[Infinity]", "\ufeff{}", "[1,]", "", "  ", "[" * 101 + "]" * 101, '{"a": ' * 101 + "1" + "}" * 101,
])
def test_what_the_strict_parse_refuses_the_fast_path_leaves_to_it(text):
    assert inputs.parse_json_fast(text) is None
    assert inputs.parse_json_fast(text.encode("utf-8")) is None
    with pytest.raises(UsageError):
        inputs.parse_json(text, "t.json")


@pytest.mark.parametrize("number", [18446744073709551616, -9223372036854775809, 10**300])
def test_integers_beyond_64_bits_are_left_to_the_standard_library(number):
    text = f'{{"n": [{number}, 1.5]}}'
    assert inputs.parse_json_fast(text) is None  # orjson would read a float
    assert inputs.parse_json(text, "t.json") == {"n": [number, 1.5]}
    assert inputs.parse_json_fast('["\\ud800"]') is None  # a lone surrogate: parsed, then escaped by the snapshot
    assert inputs.parse_json('["\\ud800"]', "t.json") == ["\ud800"]
    assert inputs.parse_json_fast('{"n": [18446744073709551615, -9223372036854775808]}') == {
        "n": [18446744073709551615, -9223372036854775808]}


def test_nesting_at_the_limit_is_parsed_and_one_deeper_is_not():
    at = "[" * 100 + "]" * 100
    assert inputs.parse_json_fast(at) is not None
    assert inputs.parse_json_fast("[" + at + "]") is None
    obj = '{"a": ' * 99 + "[]" + "}" * 99
    assert inputs.parse_json_fast(obj) is not None
    assert inputs.parse_json_fast('{"a": ' * 100 + "[]" + "}" * 100) is None
    wide = json.dumps({"accounts": [{"regions": {"r": {"p": {"k": [{"n": [[1]]}] * 2000}}}}]})
    assert inputs.parse_json_fast(wide) is not None
    assert inputs.parse_json_fast(wide, limit=10) is not None  # k (7) holds dicts (8) of [[1]] (9, 10)
    assert inputs.parse_json_fast(wide, limit=9) is None


def test_invalid_utf8_bytes_are_left_to_the_decoder():
    assert inputs.parse_json_fast(b'"\xed\xa0\x80"') is None  # a surrogate encoded in UTF-8
    assert inputs.parse_json_fast(b'"\xff"') is None


def test_a_snapshot_with_a_duplicate_key_is_still_refused_naming_both_places(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"format": "aliaudit-snapshot/1",\n "accounts": [],\n "accounts": []}\n')
    with pytest.raises(UsageError) as err:
        snapshot.load(str(path))
    assert "duplicate key 'accounts'" in str(err.value)
    assert "line 2 column 2 and line 3 column 2" in str(err.value)
