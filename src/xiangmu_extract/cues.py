"""Cue words: which field a figure or a date fills, and which status a clause reports.

The cue tables live in ``patterns/cues.yaml``; this module turns them into one
compiled regex per table and answers questions about the text around a mention.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

from xiangmu_extract.models import STATUSES, Status
from xiangmu_extract.patterns import alternation, compiled, get_patterns, regex

# How far a cue may stand from its figure ("产值可以翻一番达到6亿多元").
MONEY_CUE_REACH: Final = 10
AREA_CUE_REACH: Final = 8
DATE_CUE_REACH: Final = 16
_CLAUSE_BREAK: Final = re.compile(r"[,。;:!?]")
_DIGIT_OR_BREAK: Final = re.compile(r"[0-9,。;:!?]")  # another figure, or the clause ends


@dataclass(frozen=True)
class _Table:
    """One cue table compiled: a regex of every cue, and the field of each cue."""

    regex: re.Pattern[str]
    field_of: dict[str, str]

    def fields_in(self, text: str) -> list[tuple[int, int, str]]:
        """Every cue in ``text``: (start, end, field); longer cues win at one place."""
        return [(m.start(), m.end(), self.field_of[m.group(0)]) for m in self.regex.finditer(text)]


def _compile(table: dict[str, tuple[str, ...]], *, suffix: str = "") -> _Table:
    field_of: dict[str, str] = {}
    for field, words in table.items():
        for w in words:
            field_of.setdefault(w, field)
    return _Table(compiled(alternation(field_of) + suffix), field_of)


@functools.cache
def money_cues() -> _Table:
    return _compile(get_patterns().table("cue_money_fields"))


@functools.cache
def area_cues() -> _Table:
    return _compile(get_patterns().table("cue_area_fields"))


@functools.cache
def date_cues() -> _Table:
    return _compile(get_patterns().table("cue_date_events"))


@functools.cache
def status_cues() -> _Table:
    return _compile(get_patterns().table("cue_status"))


@functools.cache
def _future() -> re.Pattern[str]:
    return compiled(alternation(get_patterns().words("cue_future_markers")))


@functools.cache
def _whole() -> re.Pattern[str]:
    return compiled(alternation(get_patterns().words("cue_whole_project")))


def built_regexes() -> list[re.Pattern[str]]:
    """The regexes this module builds from the pattern data (see patterns.compiled)."""
    tables = (money_cues(), area_cues(), date_cues(), status_cues())
    return [*(table.regex for table in tables), _future(), _whole()]


def _nearest_before(table: _Table, left: str, reach: int) -> str | None:
    """The field of the cue nearest to the end of ``left`` within ``reach`` characters.

    Nothing but filler may stand between the cue and the figure: no other figure (a
    digit) and no clause punctuation.
    """
    window = left[-reach:]
    best: tuple[int, str] | None = None
    for _start, end, field in table.fields_in(window):
        gap = window[end:]
        if _DIGIT_OR_BREAK.search(gap):
            continue
        if best is None or end > best[0] or (end == best[0]):
            best = (end, field)
    return best[1] if best else None


def has_money_cue(text: str) -> bool:
    """Whether ``text`` has a cue of a money field: an amount is tied to a field only after
    one, so a sentence without any is not looked through for amounts."""
    return money_cues().regex.search(text) is not None


def has_area_cue(text: str) -> bool:
    """Whether ``text`` has a cue of an area field (as :func:`has_money_cue`)."""
    return area_cues().regex.search(text) is not None


def has_date_cue(text: str) -> bool:
    """Whether ``text`` has a cue of a date event, or of a date range (工期 …): a date is
    tied to an event only by one (as :func:`has_money_cue`)."""
    return date_cues().regex.search(text) is not None or bool(regex("cue_date_range").search(text))


def money_field(left: str) -> str | None:
    """investment / output_value / tax for a figure preceded by ``left``; None if no cue
    or a cue that must not fill a field (利税, 完成投资)."""
    field = _nearest_before(money_cues(), left, MONEY_CUE_REACH)
    return None if field in (None, "none") else field


def area_field(left: str) -> str | None:
    """land_area / floor_area for an area preceded by ``left``."""
    field = _nearest_before(area_cues(), left, AREA_CUE_REACH)
    return None if field in (None, "none") else field


def date_events(right: str, left: str) -> list[str]:
    """The event fields a date is tied to.

    The cue normally follows the date ("于2021年6月开工"); two cues in a row both count
    ("竣工投产", "建成并投入使用"). A cue before the date counts when the date closes the
    clause ("开工时间为2021年6月"). A negative cue (结顶, 主体移交) ties the date to
    nothing.
    """
    cues = date_cues().fields_in(right[:DATE_CUE_REACH])
    if cues and not _CLAUSE_BREAK.search(right, 0, cues[0][0]):
        if cues[0][2] == "none":
            return []
        fields = [cues[0][2]]
        last_end = cues[0][1]
        for start, end, other in cues[1:]:
            if start - last_end > 2:
                break
            fields.append(other)
            last_end = end
        return [f for f in dict.fromkeys(fields) if f != "none"]
    before = date_cues().fields_in(left[-10:])
    if before:
        _, end, field = before[-1]
        gap = left[-10:][end:]
        if field != "none" and regex("cue_date_gap").fullmatch(gap):
            return [field]
    return []


def status_cues_in(text: str) -> list[tuple[int, int, str]]:
    """Every status word of ``text``: (start, end, status)."""
    return status_cues().fields_in(text)


def status_votes(clause: str, found: list[tuple[int, int, str]]) -> list[tuple[Status, bool]]:
    """The status words ``found`` in ``clause`` (offsets in it), each with whether it
    reports a fact (True) or a plan."""
    votes: list[tuple[Status, bool]] = []
    for start, end, field in found:
        status = _as_status(field)
        before = clause[:start]
        after = clause[end : end + 8]
        plans = [m.end() for m in _future().finditer(before)]
        facts = [m.end() for m in regex("cue_actual").finditer(before)]
        planned = bool(plans) and (not facts or max(plans) > max(facts))
        conditional = bool(regex("cue_condition").match(after))
        votes.append((status, not planned and not conditional))
    return votes


def _as_status(field: str) -> Status:
    for status in STATUSES:
        if status == field:
            return status
    raise ValueError(f"cues.yaml: unknown status {field!r}")


def is_whole_project(left: str) -> bool:
    """ "整个产值", "项目全部达产后": a figure about the whole project, not a phase."""
    return bool(_whole().search(left[-8:]))
