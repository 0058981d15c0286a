"""The compiled code of the patterns that a wheel keeps (regex_code, patterns.json): a pattern
made from it is the pattern ``re.compile`` makes, and it is used only for the very source and
interpreter it was made for; anything else compiles the source.
"""

from __future__ import annotations

import array
import binascii
import importlib
import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from compiled import EXPECT_COMPILED
from xiangmu_extract import regex_code
from xiangmu_extract.normalize import normalize
from xiangmu_extract.patterns import (
    CACHE,
    PatternSet,
    built_sources,
    load_patterns,
    write_cache,
)

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = ROOT / "patterns"
RAW = ROOT / "data" / "raw"


@cache
def fresh() -> PatternSet:
    return load_patterns(PATTERNS)


@cache
def texts() -> list[str]:
    """The dev articles, as written and as the patterns read them (normalized)."""
    raw = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    return raw + [normalize(t).text for t in raw]


def written(tmp_path: Path, root: Path = PATTERNS) -> tuple[Path, dict[str, Any]]:
    cache_file = tmp_path / "patterns.json"
    write_cache(root, cache_file)
    return cache_file, json.loads(cache_file.read_text(encoding="utf-8"))


def rewrite(cache_file: Path, content: dict[str, Any]) -> None:
    cache_file.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")


@cache
def built() -> list[str]:
    return built_sources()


def no_compiling(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, compiling the source of one of the project's patterns, or of a regex
    built from them, fails."""
    compiler = importlib.import_module("re._compiler")
    compile_source = compiler.compile
    sources = {fresh().source(name) for name in fresh().names()["patterns"]} | set(built())

    def refuse(p: object, flags: int = 0) -> object:
        if p in sources:
            raise AssertionError(f"compiled {str(p)[:60]!r}")
        return compile_source(p, flags)

    re.purge()  # no pattern from re's own cache either
    monkeypatch.setattr(compiler, "compile", refuse)


def matches(pattern: re.Pattern[str]) -> list[tuple[object, ...]]:
    return [
        (m.span(), m.groups(), m.groupdict(), m.lastgroup, m.lastindex)
        for text in texts()
        for m in pattern.finditer(text)
    ]


# -- the code kept makes the same patterns ---------------------------------------------------
def test_the_cache_keeps_the_code_of_every_pattern(tmp_path: Path) -> None:
    _, content = written(tmp_path)
    assert content["compiled"]["engine"] == regex_code.engine()
    sources = {fresh().source(name) for name in fresh().names()["patterns"]}
    assert set(content["compiled"]["code"]) == sources


@pytest.mark.parametrize("name", fresh().names()["patterns"])
def test_a_pattern_made_from_its_code_is_the_compiled_one(tmp_path: Path, name: str) -> None:
    _, content = written(tmp_path)
    source = fresh().source(name)
    made = regex_code.pattern(source, content["compiled"]["code"][source])
    compiled = re.compile(source)
    assert made is not None and made is not compiled
    assert made == compiled  # flags, code and source
    assert (made.pattern, made.flags, made.groups) == (source, compiled.flags, compiled.groups)
    assert made.groupindex == compiled.groupindex


def test_the_patterns_loaded_from_the_cache_match_as_the_compiled_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_file, _ = written(tmp_path)
    no_compiling(monkeypatch)
    cached = load_patterns(PATTERNS, cache_file)  # not one pattern compiled
    monkeypatch.undo()
    found = 0
    for name in fresh().names()["patterns"]:
        expected = matches(fresh().regex(name))
        assert matches(cached.regex(name)) == expected, name
        found += bool(expected)
    assert found > 60  # most patterns match somewhere in the dev articles


def test_the_regexes_built_from_the_patterns_are_made_from_their_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_file = tmp_path / "patterns.json"
    write_cache(PATTERNS, cache_file, built())
    assert len(built()) >= 9 and set(built()) <= set(
        json.loads(cache_file.read_text(encoding="utf-8"))["compiled"]["code"]
    )
    cached = load_patterns(PATTERNS, cache_file)
    no_compiling(monkeypatch)
    made = [cached.compiled(source) for source in built()]
    monkeypatch.undo()
    for regex, source in zip(made, built(), strict=True):
        assert regex == re.compile(source)
        assert matches(regex) == matches(re.compile(source))


def test_a_regex_without_code_is_compiled(tmp_path: Path) -> None:
    cache_file, _ = written(tmp_path)  # no built regexes
    cached = load_patterns(PATTERNS, cache_file)
    assert [cached.compiled(source) for source in built()] == [re.compile(s) for s in built()]
    assert cached.compiled("[0-9]+万元").pattern == "[0-9]+万元"


# -- and is used for nothing else ------------------------------------------------------------
def swapped(content: dict[str, Any], a: str, b: str) -> None:
    """Give pattern ``a``'s source the code of pattern ``b``."""
    code = content["compiled"]["code"]
    code[fresh().source(a)] = code[fresh().source(b)]


def test_the_code_is_taken_as_it_is_kept(tmp_path: Path) -> None:
    """(So that the tests below, where it is not, mean something.)"""
    cache_file, content = written(tmp_path)
    swapped(content, "money_amount", "date_scan")
    rewrite(cache_file, content)
    loaded = load_patterns(PATTERNS, cache_file).regex("money_amount")
    assert loaded.pattern == fresh().source("money_amount")
    assert loaded != fresh().regex("money_amount")


def test_code_for_another_interpreter_is_not_used(tmp_path: Path) -> None:
    cache_file, content = written(tmp_path)
    swapped(content, "money_amount", "date_scan")
    content["compiled"]["engine"] = content["compiled"]["engine"].replace("sre ", "sre 1")
    rewrite(cache_file, content)
    assert load_patterns(PATTERNS, cache_file).regex("money_amount") == fresh().regex(
        "money_amount"
    )


def test_an_edited_pattern_is_compiled(tmp_path: Path) -> None:
    root = tmp_path / "patterns"
    shutil.copytree(PATTERNS, root)
    cache_file, _ = written(tmp_path, root)
    path = root / "money.yaml"
    before = "money_amount: '(?={money_start})(?!{num_no_start}){money_amount_body}'"
    after = "money_amount: '(?={money_start}){money_amount_body}'"
    assert before in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
    loaded = load_patterns(root, cache_file).regex("money_amount")
    assert loaded.pattern != fresh().source("money_amount")
    assert loaded == re.compile(loaded.pattern)


def test_the_code_is_looked_up_by_the_source(tmp_path: Path) -> None:
    """A cache whose source of a pattern is not the one its code was made from (the files'
    digest, so the cache is read): the source is compiled."""
    cache_file, content = written(tmp_path)
    source = content["expanded"]["money_amount"] + "|万亿"
    content["expanded"]["money_amount"] = source
    rewrite(cache_file, content)
    loaded = load_patterns(PATTERNS, cache_file).regex("money_amount")
    assert loaded.pattern == source
    assert loaded == re.compile(source)


@pytest.mark.parametrize(
    "compiled",
    [
        None,
        "not a mapping",
        {"engine": "<engine>"},
        {"engine": "<engine>", "code": ["not a mapping"]},
        {"code": "<code>"},
    ],
    ids=["missing", "not a mapping", "no code", "bad code", "no engine"],
)
def test_a_cache_without_usable_code_compiles_the_patterns(
    tmp_path: Path, compiled: object
) -> None:
    cache_file, content = written(tmp_path)
    text = json.dumps(compiled).replace('"<engine>"', json.dumps(regex_code.engine()))
    text = text.replace('"<code>"', json.dumps(content["compiled"]["code"]))
    if compiled is None:
        del content["compiled"]
    else:
        content["compiled"] = json.loads(text)
    rewrite(cache_file, content)
    loaded = load_patterns(PATTERNS, cache_file)
    for name in fresh().names()["patterns"]:
        assert loaded.regex(name) == fresh().regex(name)


def words(entry: list[Any]) -> list[int]:
    return array.array("I", binascii.a2b_base64(entry[3])).tolist()


def with_words(entry: list[Any], code: list[int]) -> list[Any]:
    encoded = binascii.b2a_base64(array.array("I", code).tobytes(), newline=False)
    return [*entry[:3], encoded.decode("ascii")]


SOURCE = "(?P<n>[0-9]+)亿元"


@cache
def good() -> list[Any]:
    entry = regex_code.code(SOURCE)
    assert entry is not None and entry[1:3] == [2, {"n": 1}]
    return entry


def test_a_well_formed_entry_makes_the_pattern() -> None:
    assert regex_code.pattern(SOURCE, good()) == re.compile(SOURCE)
    assert regex_code.pattern(SOURCE, json.loads(json.dumps(good()))) == re.compile(SOURCE)


@pytest.mark.parametrize(
    "bad",
    [
        lambda e: None,
        lambda e: [],
        lambda e: [str(e[0]), *e[1:]],
        lambda e: [e[0], e[1], {"n": 5}, e[3]],
        lambda e: [e[0], e[1], {"n": 0}, e[3]],
        lambda e: [*e[:3], "not base64!"],
        lambda e: [*e[:3], e[3][:-3]],
        lambda e: with_words(e, words(e)[: len(words(e)) // 2]),
        lambda e: with_words(e, [*words(e)[:-1], 0xFFFF]),
    ],
    ids=[
        "none",
        "empty",
        "text for a number",
        "group out of range",
        "group 0 named",
        "not base64",
        "not whole words",
        "half the code",
        "an unknown opcode",
    ],
)
def test_a_malformed_entry_makes_no_pattern(bad: Any) -> None:
    assert regex_code.pattern(SOURCE, bad(list(good()))) is None


def test_no_code_is_kept_where_the_interpreter_compiles_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiler = importlib.import_module("re._compiler")
    other = compiler._code(importlib.import_module("re._parser").parse("(?P<n>[0-9]+)万元", 0), 0)
    for wrong in ([1, 2, 3], other):  # code the engine refuses; code of another regex
        with monkeypatch.context() as patch:
            patch.setattr(compiler, "_code", lambda tree, flags, wrong=wrong: wrong)
            assert regex_code.code(SOURCE) is None
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "re._parser", None)  # another implementation
        assert regex_code.code(SOURCE) is None
    assert regex_code.code(SOURCE) == good()


# -- the wheel ------------------------------------------------------------------------------------
@pytest.mark.skipif(not EXPECT_COMPILED, reason="only a wheel has patterns.json")
def test_the_wheel_keeps_the_code_of_its_patterns_for_this_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = json.loads(CACHE.read_text(encoding="utf-8"))
    assert content["compiled"] == fresh()._code(built())
    no_compiling(monkeypatch)
    load_patterns(PATTERNS, CACHE)


@pytest.mark.skipif(not EXPECT_COMPILED, reason="only a wheel has patterns.json")
def test_the_wheel_extracts_without_compiling_its_patterns_or_the_regexes_built_from_them() -> None:
    code = """
import json, re, sys
from pathlib import Path
from xiangmu_extract.pipeline import extract  # the modules' own constants compiled
compiler = re._compiler
compile_source, sources = compiler.compile, []
def recording(p, flags=0):
    if isinstance(p, str):
        sources.append(p)
    return compile_source(p, flags)
compiler.compile = recording
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    extract(path.read_text(encoding="utf-8"))
print(json.dumps(sources))
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(RAW)], capture_output=True, text=True, check=True
    )
    compiled = set(json.loads(done.stdout))
    assert compiled  # the recording works: OpenCC's phrases that t2s gets wrong are compiled
    assert not compiled & {fresh().source(name) for name in fresh().names()["patterns"]}
    assert not compiled & set(built())
