"""Hostile files are refused quickly, with a clear message saying what limit and where, before
anything is built from them, and nothing is written."""

import time
import tracemalloc

import pytest

from formats.reader import MAX_DEPTH, PlanFileError, parse_yaml_file

BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def refusal(raw: bytes) -> tuple[str, float, int]:
    """(the message, seconds taken, peak bytes allocated) of refusing `raw`."""
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(PlanFileError) as refused:
        parse_yaml_file(raw, max_bytes=5 * 1024 * 1024, name="plan.yaml")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return str(refused.value), seconds, peak


def test_a_yaml_alias_bomb_is_refused_at_once_naming_the_alias_and_its_line():
    message, seconds, peak = refusal(BILLION_LAUGHS)
    assert 'line 2: the file uses a YAML alias ("*a")' in message
    assert seconds < 0.5
    assert peak < 5 * 1024 * 1024


def test_deeply_nested_yaml_lists_are_refused_before_the_c_parser_builds_them():
    raw = b"[" * 100_000 + b"]" * 100_000  # 200 KB: used to crash the worker (segfault)
    message, seconds, peak = refusal(raw)
    assert f"more than {MAX_DEPTH} levels deep" in message and "line 1" in message
    assert seconds < 0.5
    assert peak < 20 * 1024 * 1024


def test_a_deep_yaml_mapping_is_refused_with_its_line():
    raw = "".join(" " * depth + f"k{depth}:\n" for depth in range(3000)).encode()  # 4.5 MB
    message, seconds, _ = refusal(raw)
    assert f"line {MAX_DEPTH + 1}" in message and "levels deep" in message
    assert seconds < 0.5


def test_deeply_nested_json_is_refused_not_a_recursion_error():
    raw = b'{"plan": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    message, seconds, _ = refusal(raw)
    assert "levels deep" in message
    assert seconds < 0.5


def test_brackets_inside_json_strings_do_not_count_as_nesting():
    text = '{"note": "' + "[" * 500 + '", "list": [[1]]}'
    parsed = parse_yaml_file(text.encode(), max_bytes=10_000)
    assert parsed.data["list"] == [[1]]


def test_normal_nesting_and_anchors_without_aliases_still_load():
    nested = "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(MAX_DEPTH - 1))
    nested += "  " * (MAX_DEPTH - 1) + "leaf: 1\n"
    assert parse_yaml_file(nested.encode(), max_bytes=100_000).data["k0"]["k1"]
    assert parse_yaml_file(b"a: &x 1\n", max_bytes=100).data == {"a": 1}
