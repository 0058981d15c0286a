"""Pattern data: named regex fragments, compiled patterns, word lists and lexicons.

The data lives in ``patterns/`` as reviewed files, apart from the engine:

* ``*.yaml`` files with up to four sections:

  - ``fragments``: named regex pieces, shared by every file (one namespace);
  - ``patterns``: named regexes that code compiles and uses;
  - ``lists``: named lists of plain strings (cue words, suffixes, …);
  - ``tables``: named mappings from a key to a list of plain strings.

* ``lexicons/*.txt``: one entry per line, ``#`` starts a comment.

Inside a fragment or pattern, ``{name}`` inserts the fragment ``name`` (as a
non-capturing group), ``{@name}`` inserts the lexicon or list ``name`` as an
alternation of escaped literals, longest first (written as a trie). ``{2,8}`` and
other regex quantifiers are left alone. Everything is validated when loaded: an unknown
name, a cycle, a regex that does not compile or a malformed section raises
:class:`PatternError` naming the file and the key.

Loading is lazy and cached: nothing is read at import time, each pattern is
compiled once per process. A wheel also carries the files' content as JSON, made when the
wheel is built (:func:`write_cache`, called by ``hatch_build.py``) with a digest of the files
it was made from: when the files still have that digest, :func:`get_patterns` reads the JSON
instead of parsing the YAML (a tenth of the time, and no import of the YAML parser). Edited
files no longer match the digest, and are read as YAML. The JSON also keeps the compiled code
of each pattern, for processes on the interpreter that built the wheel: they make the pattern
from it and skip the Python half of ``re.compile`` (:mod:`xiangmu_extract.regex_code`), 45 ms
of the 50 the patterns took to load. Every pattern is validated either way: compiled, or made
from the code of the same source, compiled when the wheel was built.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xiangmu_extract import regex_code

if TYPE_CHECKING:
    import yaml

SECTIONS = ("fragments", "patterns", "lists", "tables")
_REF = re.compile(r"\{(@?)([A-Za-z_][A-Za-z0-9_]*)\}")


class PatternError(ValueError):
    """A pattern file is malformed: the message names the file and the key."""


def patterns_dir() -> Path:
    """Where the pattern files are: inside the installed package, else the repo."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "patterns", here.parents[1] / "patterns"):
        if candidate.is_dir():
            return candidate
    raise PatternError(f"no patterns directory next to {here}")


# Where a wheel keeps the content of its pattern files (see the module docstring).
CACHE = Path(__file__).with_name("patterns.json")


def alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` literally, longest first.

    Written as a trie ("项目|项目部" as ``项目(?:部)?``): at each place the regex engine
    follows the one branch the next character allows instead of trying every word. A
    word's longer continuations are tried before it, so the matches are those of the
    words listed longest first (:func:`flat_alternation`, which the tests compare).
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        if word:
            node[""] = {}
    return "(?:" + _branches(trie) + ")" if trie else "(?!)"


def _branches(node: dict[str, Any]) -> str:
    parts = [re.escape(ch) + _after(child) for ch, child in sorted(node.items()) if ch]
    return "|".join(parts)


def _after(node: dict[str, Any]) -> str:
    """The regex of what may follow a trie node's character."""
    more = [ch for ch in node if ch]
    if not more:
        return ""
    body = _branches(node)
    body = body if len(more) == 1 else "(?:" + body + ")"
    return "(?:" + body + ")?" if "" in node else body


def character_class(chars: Iterable[str]) -> str:
    """A regex matching any one of ``chars`` (single characters): a class, which the regex
    engine compiles several times faster than the alternation of the same characters
    (4,000 traditional characters: 2 ms rather than 7)."""
    unique = sorted(set(chars))
    joined = "".join(unique)  # as long as the list when no string is empty ("" sorts first)
    if len(joined) != len(unique) or (unique and not unique[0]):
        raise ValueError("character_class takes single characters")
    # re.escape escapes character by character: one call for all, not one per character
    return "[" + re.escape(joined) + "]" if unique else "(?!)"


def flat_alternation(words: Iterable[str]) -> str:
    """``alternation`` written out word by word, longest first (the plain form)."""
    unique = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w) for w in unique) + ")" if unique else "(?!)"


@dataclass
class _Source:
    file: str
    text: str


@dataclass
class PatternSet:
    """All pattern data of one directory, validated and compiled."""

    root: Path
    _fragments: dict[str, _Source] = field(default_factory=dict)
    _patterns: dict[str, _Source] = field(default_factory=dict)
    _lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _tables: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    _origin: dict[str, str] = field(default_factory=dict)
    _expanded: dict[str, str] = field(default_factory=dict)
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict)
    _kept: Mapping[str, Any] = field(default_factory=dict)  # compiled code by source

    # -- public accessors -------------------------------------------------
    def regex(self, name: str) -> re.Pattern[str]:
        """The compiled pattern ``name``."""
        try:
            return self._compiled[name]
        except KeyError:
            raise KeyError(f"no pattern named {name!r}") from None

    def compiled(self, source: str) -> re.Pattern[str]:
        """``re.compile(source)``, made from the code the cache this set was read from
        keeps for ``source`` when it keeps some (:mod:`xiangmu_extract.regex_code`)."""
        entry = self._kept.get(source)
        made = None if entry is None else regex_code.pattern(source, entry)
        return re.compile(source) if made is None else made

    def source(self, name: str) -> str:
        """The fully expanded regex text of a fragment or pattern."""
        return self._expanded[name]

    def words(self, name: str) -> tuple[str, ...]:
        """The list or lexicon ``name``."""
        try:
            return self._lists[name]
        except KeyError:
            raise KeyError(f"no list or lexicon named {name!r}") from None

    def table(self, name: str) -> dict[str, tuple[str, ...]]:
        """The table ``name``: key -> words."""
        try:
            return self._tables[name]
        except KeyError:
            raise KeyError(f"no table named {name!r}") from None

    def names(self) -> dict[str, list[str]]:
        """Every name by kind (for listing and tests)."""
        return {
            "fragments": sorted(self._fragments),
            "patterns": sorted(self._patterns),
            "lists": sorted(self._lists),
            "tables": sorted(self._tables),
        }

    # -- the cache --------------------------------------------------------------
    def _content(self) -> dict[str, Any]:
        """What was read from the files, and the expanded sources, as JSON data."""
        return {
            "fragments": {k: [v.file, v.text] for k, v in self._fragments.items()},
            "patterns": {k: [v.file, v.text] for k, v in self._patterns.items()},
            "lists": self._lists,
            "tables": self._tables,
            "origin": self._origin,
            "expanded": self._expanded,
        }

    def _restore(self, content: dict[str, Any]) -> None:
        """Take what :meth:`_content` gave (of files found valid when it was made)."""
        self._fragments = {k: _Source(*v) for k, v in content["fragments"].items()}
        self._patterns = {k: _Source(*v) for k, v in content["patterns"].items()}
        self._lists = {k: tuple(v) for k, v in content["lists"].items()}
        self._tables = {
            k: {key: tuple(words) for key, words in table.items()}
            for k, table in content["tables"].items()
        }
        self._origin = dict(content["origin"])
        self._expanded = dict(content["expanded"])

    # -- loading ------------------------------------------------------------
    def _claim(self, name: str, where: str) -> None:
        if name in self._origin:
            raise PatternError(f"{where}: name {name!r} is already defined in {self._origin[name]}")
        self._origin[name] = where

    def _load_lexicon(self, path: Path) -> None:
        name = path.stem
        where = f"{path.name}"
        self._claim(name, where)
        entries: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = line.split("#", 1)[0].strip()
            if entry:
                entries.append(entry)
        if not entries:
            raise PatternError(f"{where}: lexicon {name!r} is empty")
        self._lists[name] = tuple(entries)

    def _load_yaml(self, path: Path) -> None:
        import yaml

        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_yaml_loader())
        except yaml.YAMLError as exc:
            raise PatternError(f"{path.name}: not valid YAML: {exc}") from exc
        if doc is None:
            return
        if not isinstance(doc, Mapping):
            raise PatternError(f"{path.name}: top level must be a mapping of sections")
        for section, body in doc.items():
            if section not in SECTIONS:
                raise PatternError(
                    f"{path.name}: unknown section {section!r} (expected one of {SECTIONS})"
                )
            if not isinstance(body, Mapping):
                raise PatternError(f"{path.name}: section {section!r} must be a mapping")
            for key, value in body.items():
                self._add(path.name, str(section), str(key), value)

    def _add(self, file: str, section: str, key: str, value: Any) -> None:
        where = f"{file}: {section}.{key}"
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise PatternError(f"{where}: bad name (letters, digits and _ only)")
        self._claim(key, where)
        if section in ("fragments", "patterns"):
            if not isinstance(value, str):
                raise PatternError(f"{where}: must be a regex string")
            target = self._fragments if section == "fragments" else self._patterns
            target[key] = _Source(file, value)
        elif section == "lists":
            self._lists[key] = _string_list(value, where)
        else:
            if not isinstance(value, Mapping):
                raise PatternError(f"{where}: a table maps keys to lists of strings")
            self._tables[key] = {str(k): _string_list(v, f"{where}.{k}") for k, v in value.items()}

    def _expand(self, name: str, stack: tuple[str, ...] = ()) -> str:
        if name in self._expanded:
            return self._expanded[name]
        src = self._fragments.get(name) or self._patterns[name]
        where = f"{src.file}: {name}"
        if name in stack:
            raise PatternError(f"{where}: circular reference {' -> '.join((*stack, name))}")

        def replace(match: re.Match[str]) -> str:
            is_words, ref = match.group(1), match.group(2)
            if is_words:
                if ref not in self._lists:
                    raise PatternError(f"{where}: unknown list or lexicon {{@{ref}}}")
                return alternation(self._lists[ref])
            if ref not in self._fragments:
                raise PatternError(f"{where}: unknown fragment {{{ref}}}")
            return "(?:" + self._expand(ref, (*stack, name)) + ")"

        text = _REF.sub(replace, src.text)
        self._expanded[name] = text
        return text

    def _compile(self, name: str) -> re.Pattern[str]:
        try:
            return self.compiled(self._expand(name))
        except re.error as exc:
            src = self._fragments.get(name) or self._patterns[name]
            raise PatternError(f"{src.file}: {name}: regex does not compile: {exc}") from exc

    def _compile_all(self) -> None:
        """Compile every pattern, and every fragment no pattern uses (the others are
        compiled inside the patterns: one compilation each, not two); or make them from the
        code kept for their sources (:meth:`compiled`)."""
        for name in self._patterns:
            try:
                self._compiled[name] = self.compiled(self._expand(name))
            except re.error:
                for fragment in sorted(self._references(self._patterns[name].text)):
                    self._compile(fragment)  # names the fragment when it is the culprit
                self._compile(name)  # else names the pattern
        for name in self._unused_fragments():
            self._compile(name)

    def _unused_fragments(self) -> list[str]:
        """The fragments no pattern uses, in the order they were read."""
        used: set[str] = set()
        for src in self._patterns.values():
            used.update(self._references(src.text))
        return [name for name in self._fragments if name not in used]

    def _code(self, built: Iterable[str] = ()) -> dict[str, Any]:
        """The compiled code of every regex :meth:`_compile_all` compiles, and of the
        sources ``built``, by source, with the interpreter it is for
        (:mod:`xiangmu_extract.regex_code`)."""
        code: dict[str, Any] = {}
        names = [*self._patterns, *self._unused_fragments()]
        for source in [*(self._expand(name) for name in names), *built]:
            entry = regex_code.code(source)
            if entry is not None:
                code[source] = entry
        return {"engine": regex_code.engine(), "code": code}

    def _references(self, text: str) -> set[str]:
        """The fragments ``text`` uses, directly or through other fragments."""
        found: set[str] = set()
        for match in _REF.finditer(text):
            ref = match.group(2)
            if not match.group(1) and ref in self._fragments and ref not in found:
                found.add(ref)
                found |= self._references(self._fragments[ref].text)
        return found


@functools.cache
def _yaml_loader() -> type[yaml.SafeLoader]:
    """A safe YAML loader that refuses a key written twice in one mapping: libyaml's parser
    when PyYAML has it (7x faster to load the pattern files), else Python's. PyYAML is
    imported here, on the first load of YAML, not with this module."""
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class UniqueKeyLoader(base):  # type: ignore[valid-type,misc]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} is written twice", key_node.start_mark
                    )
                seen.add(key)
            mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
            return mapping

    return UniqueKeyLoader


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PatternError(f"{where}: must be a list of non-empty strings")
    return tuple(value)


def load_patterns(root: Path, cache: Path | None = None) -> PatternSet:
    """Load, validate and compile every pattern file under ``root``: from ``cache`` (a file
    :func:`write_cache` wrote) when it was made from files with the same content, else from
    the files."""
    pset = PatternSet(root=root)
    content = _read_cache(cache, _digest(root)) if cache is not None and cache.is_file() else None
    if content is not None:
        try:
            pset._restore(content)
            pset._kept = _kept_code(content)
        except (KeyError, TypeError, ValueError):  # the files' digest, but not a cache of them
            pset, content = PatternSet(root=root), None
    if content is None:
        _read_files(pset)
    pset._compile_all()
    return pset


def _kept_code(content: Mapping[str, Any]) -> Mapping[str, Any]:
    """The compiled code a cache keeps, by source, when it is for this interpreter; else
    none."""
    compiled = content.get("compiled")
    if not isinstance(compiled, dict) or compiled.get("engine") != regex_code.engine():
        return {}
    code = compiled.get("code")
    return code if isinstance(code, dict) else {}


def _read_files(pset: PatternSet) -> None:
    for path in _pattern_files(pset.root):
        if path.suffix == ".txt":
            pset._load_lexicon(path)
        else:
            pset._load_yaml(path)


def _pattern_files(root: Path) -> list[Path]:
    """The lexicons, then the YAML files: what is read, in the order read (and digested)."""
    return sorted(root.glob("lexicons/*.txt")) + sorted(root.glob("*.yaml"))


def _digest(root: Path) -> str:
    """sha256 of the names and bytes of the pattern files under ``root``."""
    h = hashlib.sha256()
    for path in _pattern_files(root):
        data = path.read_bytes()
        h.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def write_cache(root: Path, cache: Path, built: Iterable[str] = ()) -> None:
    """Write the content of the pattern files under ``root`` to ``cache``, as JSON, after
    loading (so validating) them, with the compiled code of their regexes and of the regexes
    ``built`` (sources, see :func:`built_sources`)."""
    pset = load_patterns(root)
    content = {"digest": _digest(root), **pset._content(), "compiled": pset._code(built)}
    cache.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")


def built_sources() -> list[str]:
    """The sources of the regexes the extraction builds from the project's pattern data
    (an alternation of a table's words, a class of a lexicon's characters): those that
    normalize, names and cues make with :func:`compiled`, and list as ``built_regexes``.
    For the wheel's cache (``hatch_build.py``), whose code for them :func:`compiled` uses."""
    from xiangmu_extract import cues, names, normalize

    modules = (normalize, names, cues)
    return [regex.pattern for module in modules for regex in module.built_regexes()]


def _read_cache(cache: Path, digest: str) -> dict[str, Any] | None:
    """The content kept in ``cache`` when it is of files with ``digest``; else None."""
    try:
        content: dict[str, Any] = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return content if isinstance(content, dict) and content.get("digest") == digest else None


@functools.cache
def get_patterns() -> PatternSet:
    """The project's pattern set, loaded on first use and cached."""
    return load_patterns(patterns_dir(), CACHE)


def compiled(source: str) -> re.Pattern[str]:
    """``re.compile(source)``, for a regex that code builds from the project's pattern data
    (:func:`built_sources`): made from the code the wheel keeps for it, when it does."""
    return get_patterns().compiled(source)


@functools.cache
def regex(name: str) -> re.Pattern[str]:
    """The compiled pattern ``name`` of the project's set: one cached call, for the hot
    paths that ask for their patterns per line or per match."""
    return get_patterns().regex(name)


@functools.cache
def words(name: str) -> tuple[str, ...]:
    """The list or lexicon ``name`` of the project's set, as :func:`regex` for patterns."""
    return get_patterns().words(name)


@functools.cache
def plain(name: str) -> str:
    """Pattern ``name``, which must be plain text (no regex syntax): for a quick check
    looked for with ``in``, many times cheaper than a regex call."""
    text = get_patterns().source(name)
    if re.escape(text) != text:
        raise PatternError(f"pattern {name}: plain text expected, not {text!r}")
    return text
