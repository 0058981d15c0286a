"""Pattern data: the generated lexicon is in sync, every file loads, bad files are named, the
JSON a wheel carries holds what the files hold and is read only while they are unchanged.

``tools/gen_lexicons.py`` regenerates ``patterns/lexicons/seg_protected.txt`` from jieba's
bundled dictionary; the committed file must be what it writes today.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from compiled import EXPECT_COMPILED
from xiangmu_extract.patterns import (
    CACHE,
    PatternError,
    PatternSet,
    _digest,
    get_patterns,
    load_patterns,
    patterns_dir,
    regex,
    write_cache,
)

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "tools" / "gen_lexicons.py"
PATTERNS = ROOT / "patterns"


@cache
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_lexicons", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the generated lexicon ------------------------------------------------------------------
def test_seg_protected_is_what_the_generator_writes(tmp_path: Path) -> None:
    gen = generator()
    fresh = tmp_path / "seg_protected.txt"
    gen.write(fresh, gen.SEG_HEADER, gen.protected_words())
    committed = PATTERNS / "lexicons" / "seg_protected.txt"
    assert fresh.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
        "patterns/lexicons/seg_protected.txt is stale: run python tools/gen_lexicons.py"
    )


@pytest.mark.parametrize("word", ["自由", "植被", "目的", "现在", "存在"])
def test_protected_words_keep_boundary_characters_inside_words(word: str) -> None:
    assert word in generator().protected_words()


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("尉犁县", "尉犁"),
        ("楚雄彝族自治州", "楚雄"),
        ("新疆维吾尔自治区", "新疆"),
        ("余杭区", "余杭"),
        ("城关区", None),  # 城关 is a common word, not a place of its own
        ("新城区", None),
        ("县", None),
    ],
)
def test_short_forms_of_administrative_divisions(name: str, short: str | None) -> None:
    assert generator().short_form(name) == short


# -- the project's pattern files -----------------------------------------------------------------
def test_the_pattern_directory_is_the_repository_one() -> None:
    """The tests read the repository's patterns, or (on an installed wheel) the same files."""
    used = patterns_dir()
    if used.resolve() != PATTERNS.resolve():
        assert _files(used) == _files(PATTERNS)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_cached_accessor_gives_the_pattern_of_the_set() -> None:
    assert regex("link_aggregate") is get_patterns().regex("link_aggregate")


def test_every_pattern_file_loads() -> None:
    names = get_patterns().names()
    assert all(names[kind] for kind in ("fragments", "patterns", "lists"))


@pytest.mark.parametrize("path", sorted(PATTERNS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_name_of_a_yaml_file_is_loaded(path: Path) -> None:
    loaded = get_patterns().names()
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for section, body in doc.items():
        assert set(body) <= set(loaded[section]), f"{path.name}: {section}"
    for name in doc.get("patterns") or {}:
        assert get_patterns().regex(name).pattern == get_patterns().source(name)


@pytest.mark.parametrize(
    "path", sorted((PATTERNS / "lexicons").glob("*.txt")), ids=lambda p: p.name
)
def test_every_lexicon_loads_without_comments_or_blanks(path: Path) -> None:
    words = get_patterns().words(path.stem)
    assert words
    assert all(w == w.strip() and "#" not in w for w in words)


def test_patterns_write_ascii_digits_not_backslash_d() -> None:
    """The patterns read normalized text, where every decimal digit is ASCII: ``[0-9]`` is a
    table lookup for the regex engine, ``\\d`` a Unicode lookup. Only the pattern that finds
    the other digits, for normalize to replace, has ``\\d``."""
    pats = get_patterns()
    names = pats.names()
    with_d = {n for n in names["fragments"] + names["patterns"] if "\\d" in pats.source(n)}
    assert with_d == {"norm_other_digit"}


# -- bad pattern files name the file and the key ---------------------------------------------
def write_files(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "file", "key"),
    [
        ({"money.yaml": "patterns:\n  t_amount: '{t_number}亿'\n"}, "money.yaml", "t_number"),
        ({"money.yaml": "patterns:\n  t_amount: '(亿'\n"}, "money.yaml", "t_amount"),
        ({"dates.yaml": "fragments:\n  t_month: '[12'\n"}, "dates.yaml", "t_month"),
        ({"cues.yaml": "patterns:\n  t_cue: '{@t_words}'\n"}, "cues.yaml", "t_words"),
        (
            {"a.yaml": "lists:\n  t_units: [亩]\n", "b.yaml": "lists:\n  t_units: [吨]\n"},
            "b.yaml",
            "t_units",
        ),
        (
            {"a.yaml": "lists:\n  t_units: [亩]\nfragments:\n  t_units: '亩'\n"},
            "a.yaml",
            "t_units",
        ),
        (
            {"a.yaml": "lists:\n  t_units: [亩]\n", "lexicons/t_units.txt": "亩\n"},
            "a.yaml",
            "t_units",
        ),
        ({"a.yaml": "regexes:\n  t_x: 'a'\n"}, "a.yaml", "regexes"),
        ({"a.yaml": "fragments:\n  t_a: '{t_b}'\n  t_b: '{t_a}'\n"}, "a.yaml", "t_a"),
        ({"a.yaml": "lists:\n  t_units: 亩\n"}, "a.yaml", "t_units"),
        ({"a.yaml": "lists:\n  t_units: [亩, '']\n"}, "a.yaml", "t_units"),
        ({"a.yaml": "tables:\n  t_map: [亩]\n"}, "a.yaml", "t_map"),
        ({"a.yaml": "lists:\n  t-units: [亩]\n"}, "a.yaml", "t-units"),
        ({"a.yaml": "patterns:\n  t_p: 3\n"}, "a.yaml", "t_p"),
        ({"lexicons/t_empty.txt": "# nothing but a comment\n\n"}, "t_empty.txt", "t_empty"),
        ({"a.yaml": "lists:\n  t_units: [亩]\n  t_units: [吨]\n"}, "a.yaml", "t_units"),
    ],
    ids=[
        "unknown fragment",
        "pattern does not compile",
        "fragment does not compile",
        "unknown list",
        "duplicate name in two files",
        "duplicate name in two sections",
        "duplicate of a lexicon",
        "unknown section",
        "circular fragments",
        "list is not a list",
        "empty string in a list",
        "table is not a mapping",
        "bad name",
        "pattern is not a string",
        "empty lexicon",
        "duplicate key in one mapping",
    ],
)
def test_a_bad_pattern_file_names_the_file_and_the_key(
    tmp_path: Path, files: dict[str, str], file: str, key: str
) -> None:
    write_files(tmp_path, files)
    with pytest.raises(PatternError) as raised:
        load_patterns(tmp_path)
    message = str(raised.value)
    assert message.startswith(file), message
    assert key in message


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    write_files(tmp_path, {"broken.yaml": "lists: [\n"})
    with pytest.raises(PatternError, match=r"^broken\.yaml: "):
        load_patterns(tmp_path)


def test_a_good_directory_composes_fragments_and_lists(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "a.yaml": "fragments:\n  t_num: '\\d+(?:\\.\\d+)?'\n"
            "patterns:\n  t_area: '{t_num}{@t_units}'\n",
            "lexicons/t_units.txt": "# area units\n亩\n平方米\n",
        },
    )
    pset = load_patterns(tmp_path)
    assert pset.words("t_units") == ("亩", "平方米")
    match = pset.regex("t_area").search("占地125.3亩,建筑面积2万平方米")
    assert match is not None and match.group() == "125.3亩"
    assert pset.regex("t_area").fullmatch("20平方米")


# -- the JSON a wheel carries (patterns.json) ------------------------------------------------------
def _everything(pset: PatternSet) -> dict[str, object]:
    names = pset.names()
    return {
        "names": names,
        "sources": {n: pset.source(n) for n in names["fragments"] + names["patterns"]},
        "compiled": {n: pset.regex(n).pattern for n in names["patterns"]},
        "words": {n: pset.words(n) for n in names["lists"]},
        "tables": {n: pset.table(n) for n in names["tables"]},
    }


def test_the_cache_holds_what_the_files_hold(tmp_path: Path) -> None:
    cache_file = tmp_path / "patterns.json"
    write_cache(PATTERNS, cache_file)
    assert _everything(load_patterns(PATTERNS, cache_file)) == _everything(load_patterns(PATTERNS))


def test_the_cache_is_read_while_the_files_are_unchanged(tmp_path: Path) -> None:
    cache_file = tmp_path / "patterns.json"
    write_cache(PATTERNS, cache_file)
    content = json.loads(cache_file.read_text(encoding="utf-8"))
    content["lists"]["num_post_about"] = ["marked"]  # only the cache says so
    cache_file.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    assert load_patterns(PATTERNS, cache_file).words("num_post_about") == ("marked",)


def test_edited_files_are_read_and_not_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "patterns"
    shutil.copytree(PATTERNS, root)
    cache_file = tmp_path / "patterns.json"
    write_cache(root, cache_file)
    with (root / "money.yaml").open("a", encoding="utf-8") as f:
        f.write("  t_added: [新]\n")  # a list more, at the end of the lists section
    assert load_patterns(root, cache_file).words("t_added") == ("新",)


@pytest.mark.parametrize(
    "content",
    ["", "not json", "[1, 2]", '{"digest": "0"}', '{"digest": "<digest>", "lists": {}}'],
    ids=["empty", "not JSON", "not a mapping", "other files", "the files' digest, no content"],
)
def test_a_broken_or_foreign_cache_is_not_read(tmp_path: Path, content: str) -> None:
    cache_file = tmp_path / "patterns.json"
    cache_file.write_text(content.replace("<digest>", _digest(PATTERNS)), encoding="utf-8")
    assert _everything(load_patterns(PATTERNS, cache_file)) == _everything(load_patterns(PATTERNS))


def test_a_missing_cache_is_not_read(tmp_path: Path) -> None:
    missing = tmp_path / "patterns.json"
    assert _everything(load_patterns(PATTERNS, missing)) == _everything(load_patterns(PATTERNS))


@pytest.mark.skipif(not EXPECT_COMPILED, reason="only a wheel has patterns.json")
def test_the_wheel_reads_its_cache_and_not_yaml() -> None:
    assert CACHE.is_file()
    code = (
        "import sys; from xiangmu_extract.patterns import get_patterns; get_patterns(); "
        "print('yaml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
