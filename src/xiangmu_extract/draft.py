"""Drafts: projects while the linker builds them, and how they merge.

A draft collects every mention the linker ties to one project (names, figures, dates,
status words, companies, places). When the article is read, phases are folded into their
project or kept as records of their own (GOLD_SCHEMA Convention 1), and each draft picks
one value per field.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import Final

from xiangmu_extract.mentions import CapacityMention, DateMention, MoneyMention, QuantityMention
from xiangmu_extract.models import AREA_FIELDS, DATE_FIELDS, STATUSES, Status
from xiangmu_extract.names import PAREN_PHASE, Phrase

SIMILAR_NAMES: Final = 0.8
_ORDINALS: Final = re.compile(r"[一二三四五六七八九十首0-9]")
_QUOTES: Final = re.compile(r"[“”‘’「」『』\"'\s]")
_PHASE: Final = re.compile(r"[一二三四五六七八九十首]期")


@dataclass(eq=False)
class Draft:
    name: str
    span: tuple[int, int]
    strong: bool
    aliases: list[str] = field(default_factory=list)
    last_form: str = ""
    company: Phrase | None = None
    location: Phrase | None = None
    location_rank: int = 9
    money: dict[str, list[tuple[MoneyMention, bool]]] = field(default_factory=dict)
    capacity: list[CapacityMention] = field(default_factory=list)
    areas: dict[str, list[QuantityMention]] = field(default_factory=dict)
    dates: dict[str, list[DateMention]] = field(default_factory=dict)
    votes: list[tuple[Status, bool]] = field(default_factory=list)
    own_votes: int = 0  # status words said of this project by name, not by focus
    evidence: list[tuple[int, int]] = field(default_factory=list)
    parent: Draft | None = None
    phase: str | None = None
    phases: dict[str, Draft] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.last_form = self.last_form or self.name

    # -- collecting -----------------------------------------------------
    def add_money(self, field_name: str, m: MoneyMention, *, phase_only: bool = False) -> None:
        self.money.setdefault(field_name, []).append((m, phase_only))
        self.evidence.append((m.start, m.end))

    def add_area(self, field_name: str, q: QuantityMention) -> None:
        self.areas.setdefault(field_name, []).append(q)
        self.evidence.append((q.start, q.end))

    def add_date(self, field_name: str, d: DateMention) -> None:
        self.dates.setdefault(field_name, []).append(d)
        self.evidence.append((d.start, d.end))

    def add_capacity(self, c: CapacityMention) -> None:
        if not any(_same_quantity(c, o) for o in self.capacity):
            self.capacity.append(c)
        self.evidence.append((c.start, c.end))

    def has_figures(self) -> bool:
        return bool(self.money or self.capacity or self.areas or self.dates)

    def has_facts(self) -> bool:
        return bool(self.money or self.capacity or self.areas or self.dates or self.votes)

    # -- choosing -------------------------------------------------------
    def status(self) -> Status | None:
        actual = [s for s, fact in self.votes if fact]
        if actual:
            return max(actual, key=STATUSES.index)
        return "planned" if self.votes else None

    def pick_money(self, field_name: str) -> tuple[MoneyMention, bool] | None:
        """The whole-project figure: the largest (a total is at least any part)."""
        found = self.money.get(field_name)
        if not found:
            return None
        return max(found, key=lambda mp: (mp[0].value, -mp[0].start))

    def pick_area(self, field_name: str) -> QuantityMention | None:
        found = self.areas.get(field_name)
        return found[0] if found else None

    def pick_date(self, field_name: str) -> DateMention | None:
        found = [d for d in self.dates.get(field_name, []) if d.value]
        return found[0] if found else None

    # -- phases ---------------------------------------------------------
    def phase_draft(self, phase: str, span: tuple[int, int]) -> Draft:
        key = phase.rstrip("项目工程")
        if key in self.name or key in "".join(self.aliases):
            return self  # "一期项目" of "…产业园一期南区项目" is the project itself
        if key not in self.phases:
            self.phases[key] = Draft(self.last_form + phase, span, True, parent=self, phase=key)
        return self.phases[key]

    def fold_phases(self) -> list[Draft]:
        """Phases that stand as records of their own; the others are folded in."""
        if not self.phases:
            return []
        kept = list(self.phases.values())
        if len(kept) >= 2 or any(_clashes(self, p) for p in kept):
            for p in kept:
                p.company = p.company or self.company
                p.location = p.location or self.location
            if self.status() is None:
                self.votes.extend((p.status() or "planned", True) for p in kept if p.status())
            return [p for p in kept if p.has_facts()]
        for p in kept:
            for f, items in p.money.items():
                if f not in self.money:
                    self.money[f] = [(m, f == "investment") for m, _ in items]
            for f, areas in p.areas.items():
                self.areas.setdefault(f, areas)
            for f, dates in p.dates.items():
                self.dates.setdefault(f, dates)
            for c in p.capacity:
                self.add_capacity(c)
            self.votes.extend(p.votes)
            self.evidence.extend(p.evidence)
        return []


def _same_quantity(a: CapacityMention, b: CapacityMention) -> bool:
    return a.unit == b.unit and abs(a.value - b.value) <= 1e-9 * max(a.value, b.value)


def _clashes(parent: Draft, phase: Draft) -> bool:
    """A phase fact that differs from the whole project's fact of the same field."""
    for f, items in phase.money.items():
        whole = parent.pick_money(f)
        if whole and any(abs(m.value - whole[0].value) > 1e-6 * whole[0].value for m, _ in items):
            return True
    for c in phase.capacity:
        if parent.capacity and not any(_same_quantity(c, o) for o in parent.capacity):
            return True
    for f in AREA_FIELDS:
        area, phase_area = parent.pick_area(f), phase.pick_area(f)
        if area and phase_area and abs(area.value - phase_area.value) > 1e-6 * area.value:
            return True
    for f in DATE_FIELDS:
        when, phase_when = parent.pick_date(f), phase.pick_date(f)
        if when and phase_when and when.value != phase_when.value:
            return True
    return False


def _key(name: str) -> str:
    return _QUOTES.sub("", name).replace("(", "(").replace(")", ")")


@functools.lru_cache(maxsize=4096)
def _core(name: str) -> str:
    """The name without quotes, phase in parentheses and head word: what tells it apart.
    Cached: a name is compared with every draft of its article."""
    core = PAREN_PHASE.sub("", _key(name))
    for head in ("建设项目", "项目", "工程"):
        if core.endswith(head) and len(core) > len(head) + 1:
            return core[: -len(head)]
    return core


def same_project(name: str, draft: Draft, places: frozenset[str]) -> bool:
    """Whether ``name`` is another way of writing the draft's project.

    Equal names; a name contained in the other ("艾赛斯项目" ~ "艾赛斯复合材料项目");
    a short form whose core, without a leading place, appears in the full name or company
    ("海宁晶科项目" ~ "晶科…项目"); or near-identical names that differ in no ordinal
    ("宜宾市一医院西区院区" ~ "宜宾市第一人民医院西区院区").
    """
    a = _core(name)
    for other in (draft.name, *draft.aliases):
        b = _core(other)
        if a == b:
            return True
        short, long_ = sorted((a, b), key=len)
        if len(short) >= 3 and short in long_ and not _other_phase(short, long_):
            return True
        if _brand_alias(a, b, places) or _brand_alias(b, a, places):
            return True
        if (
            len(short) >= 6
            and _share_four(short, long_)
            and _ORDINALS.findall(a) == _ORDINALS.findall(b)
            and _matched(difflib.SequenceMatcher(None, short, long_)) / len(short) >= SIMILAR_NAMES
        ):
            return True
    if draft.company and len(a) >= 2:
        company = _key(draft.company.text)
        if a in company and len(a) >= 2 and len(name) <= len(a) + 2:
            return True
    return False


def _other_phase(short: str, long_: str) -> bool:
    rest = long_.replace(short, "", 1)
    return _PHASE.search(rest) is not None


def _brand_alias(short: str, long_: str, places: frozenset[str]) -> bool:
    if len(short) > 8 or len(short) >= len(long_):
        return False
    for k in range(2, len(short) - 1):
        if short[:k] in places:
            rest = short[k:]
            return len(rest) >= 2 and rest in long_
    return False


def _share_four(short: str, long_: str) -> bool:
    """Whether the names have four characters in a row in common (their longest matching
    block has four or more), found without building a SequenceMatcher."""
    return any(short[i : i + 4] in long_ for i in range(len(short) - 3))


def _matched(matcher: difflib.SequenceMatcher[str]) -> int:
    """How many characters of one name are in blocks matching the other."""
    return sum(b.size for b in matcher.get_matching_blocks())
