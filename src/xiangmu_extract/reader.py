"""Input stage: bytes or a file path in, decoded text out.

Scraped Chinese pages come as UTF-8 (with or without a BOM), GBK/GB18030 or
Big5. UTF-8 is tried first because it is self-checking. When it fails, both
GB18030 and Big5 are tried and the one that reads more like Chinese wins:
GB18030 accepts almost any byte string, so a Big5 page "decodes" as GB18030
too, into rare characters, kana and box-drawing symbols. The plausibility
check counts the share of common characters (``patterns/lexicons/
norm_common_chars.txt``, simplified and traditional).

Anything that is not text (NUL bytes, many control characters) or that no
candidate decodes raises :class:`InputError` naming the source.
"""

from __future__ import annotations

import codecs
import functools
import os
from pathlib import Path

from xiangmu_extract.patterns import get_patterns

# Candidates tried when UTF-8 fails, in order of preference on a tie.
_LEGACY_ENCODINGS = ("gb18030", "big5hkscs")
# Share of C0 control bytes (other than tab, newlines, form feed, escape)
# above which the input is taken for binary data.
_MAX_CONTROL_SHARE = 0.01
_MIN_CONTROL_BYTES = 8  # a short page may carry a few stray ones
# How much decoded text the plausibility check looks at.
_SAMPLE_CHARS = 200_000
# A UTF-8 page with a few broken sequences (a bad scrape) is still UTF-8 when
# at most this share of its characters are replacement characters.
_MAX_REPLACEMENT_SHARE = 0.002


class InputError(Exception):
    """The input cannot be read as text; ``str(e)`` is ``"<source>: <reason>"``."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@functools.cache
def _control_bytes() -> bytes:
    """The bytes that count as control characters in a text file."""
    allowed = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}
    return bytes(b for b in range(0x20) if b not in allowed)


@functools.cache
def _text_bytes() -> bytes:
    """Every byte that is not a control character (the complement of the above)."""
    controls = set(_control_bytes())
    return bytes(b for b in range(256) if b not in controls)


@functools.cache
def _common_chars() -> frozenset[str]:
    return frozenset("".join(get_patterns().words("norm_common_chars")))


def _plausibility(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese ones.

    Replacement characters, private-use characters and C1 controls count
    against the text. ASCII-only text scores 1.0.
    """
    sample = text[:_SAMPLE_CHARS]
    common = _common_chars()
    hits = 0
    other = 0
    bad = 0
    for ch in sample:
        if ch < "\x80":
            continue
        if ch in common:
            hits += 1
        elif ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or ch < "\xa0":
            bad += 1
        else:
            other += 1
    total = hits + other + bad
    if total == 0:
        return 1.0
    return (hits - 3 * bad) / total


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf8_with_few_errors(data: bytes) -> str | None:
    """UTF-8 with replacement characters, if only a handful of sequences are broken."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    if broken <= max(1, int(len(text) * _MAX_REPLACEMENT_SHARE)):
        return text
    return None


def _check_not_binary(data: bytes, source: str) -> None:
    if b"\x00" in data:
        raise InputError(source, "binary file (NUL bytes), not text")
    controls = len(data) - len(data.translate(None, _control_bytes()))
    if controls > max(_MIN_CONTROL_BYTES, int(len(data) * _MAX_CONTROL_SHARE)):
        raise InputError(source, f"binary file ({controls} control bytes), not text")


def _decode_utf16(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError:
        raise InputError(source, "UTF-16 byte order mark but undecodable content") from None


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode a scraped page: UTF-8 (BOM stripped), else GB18030 or Big5.

    Raises :class:`InputError` for binary or undecodable input. Empty input
    decodes to ``""``.
    """
    if not data:
        return ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_utf16(data, source)
    _check_not_binary(data, source)
    text = _strict(data, "utf-8-sig")
    if text is not None:
        return text
    candidates: list[str] = []
    for encoding in _LEGACY_ENCODINGS:
        decoded = _strict(data, encoding)
        if decoded is not None:
            candidates.append(decoded)
    nearly_utf8 = _utf8_with_few_errors(data.removeprefix(codecs.BOM_UTF8))
    if nearly_utf8 is not None:
        candidates.append(nearly_utf8)
    if not candidates:
        raise InputError(source, "not decodable as UTF-8, GB18030 or Big5")
    # max() keeps the first of equal scores: GB18030 before Big5 before broken UTF-8.
    return max(candidates, key=_plausibility)


def read_text(path: str | os.PathLike[str]) -> str:
    """Read and decode the file at ``path`` (see :func:`decode_bytes`)."""
    source = os.fspath(path)
    file = Path(source)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(source, "permission denied") from None
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
    return decode_bytes(data, source)
