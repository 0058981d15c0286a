"""What the batch input layer hands around: the options, a task for a worker, a failure, and
the article a task becomes. Small, frozen and picklable: tasks cross process boundaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from xiangmu_extract.models import TextBasis

# Column names tried, in order, when an option does not name one (compared case-insensitively).
DEFAULT_TEXT_COLUMNS = ("text", "content", "body", "article", "正文", "内容")
DEFAULT_ID_COLUMNS = ("id", "doc_id", "article_id", "uuid")
DEFAULT_URL_COLUMNS = ("url", "link", "source_url", "链接")
DEFAULT_TITLE_COLUMNS = ("title", "headline", "标题")
DEFAULT_DATE_COLUMNS = (
    *("publish_time", "publish_date", "pub_time", "pubdate", "date", "time"),
    *("发布时间", "日期"),
)

Format = Literal["text", "html", "jsonl", "csv", "tsv"]
FORMATS: Mapping[str, Format] = MappingProxyType(
    {
        ".txt": "text",
        ".text": "text",
        ".html": "html",
        ".htm": "html",
        ".xhtml": "html",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".csv": "csv",
        ".tsv": "tsv",
    }
)


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """Which dump columns to read (None: the first present of the defaults) and the size limit."""

    text_column: str | None = None
    id_column: str | None = None
    url_column: str | None = None
    title_column: str | None = None
    date_column: str | None = None
    max_bytes: int = 10_000_000  # a bigger article (file, line or cell) is a Failure


@dataclass(frozen=True, slots=True)
class Task:
    """One article to load: a whole file (locator "") or one line/row of a dump."""

    source: str
    locator: str  # "", "line 12" (JSONL, physical line) or "row 3" (CSV, data row)
    kind: Literal["text", "html", "record"]
    size: int  # bytes of input this task stands for, for progress
    record: tuple[tuple[str, str], ...] | None = None  # kind "record": (column, value) pairs


@dataclass(frozen=True, slots=True)
class Failure:
    """An input, line or row that yields no article, and why (one line)."""

    source: str
    locator: str
    reason: str


@dataclass(frozen=True, slots=True)
class Article:
    """What the extractor reads; every span refers to ``text``."""

    source: str
    locator: str
    text: str
    text_basis: TextBasis
    doc_id: str | None
    url: str | None
    title: str | None
    publish_date: str | None  # YYYY-MM-DD


def location(source: str, locator: str) -> str:
    """How messages name an article: ``"a.txt"`` or ``"dump.jsonl (line 12)"``."""
    return f"{source} ({locator})" if locator else source


@dataclass(frozen=True, slots=True)
class Found:
    path: str
    size: int
    key: tuple[int, int]  # device and inode: the same file named twice is read once
    form: Format
    compressed: bool


def find_column(names: Sequence[str], wanted: str | None, defaults: Sequence[str]) -> str | None:
    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(name.strip().casefold(), name)
    if wanted is not None:
        return wanted if wanted in names else folded.get(wanted.strip().casefold())
    return next((folded[c] for c in defaults if c.casefold() in folded), None)


def format_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


def too_large(size: int | None, limit: int) -> str:
    actual = format_size(size) if size is not None else "over the csv field limit"
    return f"article too large: {actual} (limit {format_size(limit)}, --max-bytes)"


def os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"
