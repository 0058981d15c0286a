"""A regex's compiled code, kept so that a process can skip compiling it again.

``re.compile(source)`` is mostly Python code: ``re._parser`` parses the source and
``re._compiler`` turns the parse into the code of the regex engine (a list of integers), which
it hands, with the groups, to the C function ``_sre.compile``; that one makes the pattern. For
the project's patterns, and the regexes the code builds from them, the Python half took 55 ms
at every start of a process (a cold ``extract`` took 250). A wheel keeps their code
(``patterns.json``, written when it is built: :func:`xiangmu_extract.patterns.write_cache`)
and a process hands it straight to ``_sre.compile``: 3 ms.

The code and ``_sre.compile``'s arguments are CPython's internals; they change from one
version to the next. Hence all of it is here, and:

* the code is kept with :func:`engine`, which names the interpreter exactly (its version and
  build, and the regex engine's own version and limits): a process on another interpreter
  does not use it;
* it is kept with, and looked up by, the source it was compiled from: an edited pattern has
  no code;
* :func:`code` keeps only code it has checked: the pattern made from it equals the one
  ``re.compile`` makes (pattern equality compares the flags, the code and the source) and
  has the same groups;
* whatever goes wrong (another implementation, a malformed entry, code ``_sre`` refuses)
  gives ``None``, and the caller compiles the source with ``re.compile``.

Only patterns compiled without flags (inline flags such as ``(?i)`` are part of the source).
"""

from __future__ import annotations

import array
import binascii
import importlib
import re
import sys
from typing import Any

# What a kept entry is: [flags, groups (with group 0), {group name: number}, code], the code
# as the base64 of its words (unsigned 32-bit, in the machine's byte order): JSON parses that
# in a third of the time it takes for a list of numbers.
Entry = list[Any]
_WORD = "I"


def engine() -> str:
    """Everything besides the source that the code depends on: the interpreter (its exact
    version and build, which fix ``re._compiler``, the engine's opcodes and Unicode tables)
    and the engine's own version and limits."""
    sre = importlib.import_module("_sre")
    return (
        f"{sys.implementation.name} {sys.version} | sre {sre.MAGIC} {sre.CODESIZE} "
        f"{sre.MAXREPEAT} {sre.MAXGROUPS} | {sys.byteorder} {array.array(_WORD).itemsize}"
    )


def code(source: str) -> Entry | None:
    """What ``re.compile(source)`` hands ``_sre.compile``, as JSON data, once checked to make
    the same pattern; None when this interpreter does not compile that way."""
    try:
        parser = importlib.import_module("re._parser")
        compiler = importlib.import_module("re._compiler")
        tree = parser.parse(source, 0)
        entry: Entry = [
            int(tree.state.flags),
            int(tree.state.groups),
            dict(tree.state.groupdict),
            binascii.b2a_base64(
                array.array(_WORD, compiler._code(tree, 0)).tobytes(), newline=False
            ).decode("ascii"),
        ]
    except Exception:  # not CPython's regex internals as of 3.11-3.13
        return None
    made, fresh = pattern(source, entry), re.compile(source)
    if made is None or made != fresh or made.groupindex != fresh.groupindex:
        return None
    return entry if made.groups == fresh.groups else None


def pattern(source: str, entry: Any) -> re.Pattern[str] | None:
    """The pattern of ``source`` made from ``entry`` (what :func:`code` gave for it, on an
    interpreter with the same :func:`engine`); None when ``entry`` is not such a thing."""
    try:
        flags, groups, groupindex, ops = entry
        indexgroup: list[str | None] = [None] * groups
        for name, number in groupindex.items():
            if not 0 < number < groups:
                return None
            indexgroup[number] = name
        words = array.array(_WORD, binascii.a2b_base64(ops)).tolist()
        made = importlib.import_module("_sre").compile(
            source, flags, words, groups - 1, groupindex, tuple(indexgroup)
        )
    except Exception:  # malformed, or code the engine refuses: compile the source instead
        return None
    return made if isinstance(made, re.Pattern) else None
