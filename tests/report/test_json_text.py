"""The JSON report's text: aliaudit.jsontext writes exactly what json.dumps(indent=2, ensure_ascii=False) writes,
in one string and piece by piece, for any JSON document (floats, lone surrogates, big integers and non-string
keys included: those pieces go through the standard library)."""

import io
import json

from hypothesis import given, strategies as st

from aliaudit import jsontext

keys = st.one_of(st.text(max_size=8), st.integers(-5, 5), st.booleans(), st.none())
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(allow_nan=False), st.text(max_size=12),
                    st.sampled_from(["\ud800", "a\udfffb", "\u2028\x7f\x00\x1f\"\\/", "1.5", '": 1e5']))
docs = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=6),
                                                     st.dictionaries(keys, inner, max_size=6)), max_leaves=40)


def expected(doc) -> bytes:
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8", "backslashreplace")


def written(doc) -> bytes:
    raw = io.BytesIO()
    fh = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", newline="")
    jsontext.write(doc, fh)
    fh.flush()
    return raw.getvalue()


@given(docs)
def test_same_text_as_the_standard_library(doc):
    assert jsontext.dumps(doc).encode("utf-8", "backslashreplace") == expected(doc)
    assert written(doc) == expected(doc)


def test_large_arrays_and_objects_written_in_slices_give_the_same_text(monkeypatch):
    monkeypatch.setattr(jsontext, "_SLICE", 4)
    doc = {"findings": [{"id": n, "evidence": {"v": [n, 1.5 if n % 7 == 0 else n, "\ud800" if n == 9 else "x"]},
                         "nested": {"rows": list(range(n % 11))}} for n in range(41)],
           "clauses": [{"ids": list(range(n))} for n in range(9)], 3: {}, "empty": [], "e": {}}
    assert written(doc) == expected(doc)
    assert written([doc, [doc]]) == expected([doc, [doc]])


def test_text_file_without_a_binary_buffer():
    doc = {"a": [1, 2.5, {"b": "\u00e9"}]}
    fh = io.StringIO()
    jsontext.write(doc, fh)
    assert fh.getvalue() == json.dumps(doc, indent=2, ensure_ascii=False)
