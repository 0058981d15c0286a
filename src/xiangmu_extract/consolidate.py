"""Cross-article consolidation: which mentions are the same project, and which value
the consolidated record shows.

Two mentions are the same project when they come from different articles, are the same
phase of it, name compatible places and companies, and either share their name key (the
name without places, phase, opening words like 新建 and heads like 项目) or share their
company and their investment (±0.5 %). Only mentions that share a blocking key
(:func:`keys`) are compared, so a new article costs a few index lookups however large the
database is. The groups are the connected components of this symmetric relation, named
by their smallest mention id: the same mentions give the same groups in any order.

The consolidated record keeps every mention (with provenance in ``facts``) and shows one
value per field by a stated rule (:func:`choose`):

* values that change as a project advances (investment, output value, tax, capacity,
  areas, dates, status) come from the most recent article that gives one; among articles
  of the same date, the most precise value wins (an exact amount over an approximate one,
  more significant digits, a day over a month);
* what identifies the project comes from the most specific mention: the name most
  mentions use (then the longest), the longest company and place names;
* every remaining tie goes to the smallest mention id.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xiangmu_extract.models import AREA_FIELDS, DATE_FIELDS, MONEY_FIELDS, STATUSES
from xiangmu_extract.names import PAREN_PHASE, find_places, lexicon
from xiangmu_extract.patterns import alternation, get_patterns

MONEY_TOLERANCE = 0.005
MIN_NAME_KEY = 4  # a shorter key ("产业园") names a kind of project, not one project
_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》()()\[\]【】·•,,、.。:_-]")


@dataclass(frozen=True, slots=True)
class Profile:
    """What :func:`same_project` compares, stored with each mention."""

    id: str
    article_id: str
    name: str  # the name key; "" when too short to identify a project
    phase: str  # "" for the whole project, else the phase ordinal ("一", "二", "首")
    company: str  # the company without legal form and leading place; "" when unknown
    location: str
    investment: float | None


@functools.cache
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    p = get_patterns()
    openers = re.compile("^" + alternation(p.words("cons_name_openers")))
    heads = re.compile(alternation(p.words("cons_name_heads")) + "$")
    forms = re.compile(alternation(p.words("cons_company_forms")) + "$")
    return openers, heads, forms


def _strip_places(text: str) -> str:
    """``text`` without the place names it opens with ("浙江海宁晶科" -> "晶科")."""
    while text:
        places = find_places(text)
        if not places or places[0].start != 0 or places[0].end >= len(text):
            return text
        text = text[places[0].end :]
    return text


def _cut_until_stable(key: str, cut: Callable[[str], str]) -> str:
    """``key`` with ``cut`` and then :func:`_strip_places` applied until nothing changes.

    A text that :func:`_strip_places` returned comes back from it unchanged, so a round whose
    ``cut`` removes nothing from such a text would end the loop: it is not run (half the
    place look-ups of a name)."""
    stripped = False  # key is a text _strip_places returned
    while True:
        shorter = cut(key)
        if stripped and shorter == key:
            return key
        next_key = _strip_places(shorter)
        if next_key == key:
            return key
        key, stripped = next_key, True


def phase_of(name: str) -> str:
    """The phase a name is about: "二" for "晶科项目二期", "" for a whole project."""
    if lexicon().phase_hint not in name:  # in every phase: most names have none
        return ""
    found = [m.group("ordinal") for m in get_patterns().regex("name_phase").finditer(name)]
    return found[-1] if found else ""


def name_key(name: str) -> str:
    """The part of a name that identifies the project."""
    openers, heads, _ = _regexes()
    key = PAREN_PHASE.sub("", name)
    if lexicon().phase_hint in key:
        key = get_patterns().regex("name_phase").sub("", key)
    key = _NOISE.sub("", key).lower()
    key = _cut_until_stable(key, lambda k: heads.sub("", openers.sub("", k)))
    return key if len(key) >= MIN_NAME_KEY else ""


def company_key(company: str | None) -> str:
    """A company name without legal form, brackets and leading place."""
    if not company:
        return ""
    _, _, forms = _regexes()
    key = _NOISE.sub("", re.sub(r"[((][^()()]*[))]", "", company))
    key = _cut_until_stable(key, lambda k: forms.sub("", k))
    return key if len(key) >= 2 else ""


def profile(
    mention_id: str,
    article_id: str,
    name: str,
    company: str | None,
    location: str | None,
    investment: float | None,
) -> Profile:
    return Profile(
        id=mention_id,
        article_id=article_id,
        name=name_key(name),
        phase=phase_of(name),
        company=company_key(company),
        location=location or "",
        investment=investment,
    )


def _money_key(value: float) -> str:
    return f"{value:.2g}"


def keys(p: Profile) -> list[str]:
    """Blocking keys: mentions are compared only when they share one."""
    out = []
    if p.name:
        out.append(f"name:{p.name}|{p.phase}")
    if p.company and p.investment:
        out.append(f"company:{p.company}|{p.phase}|{_money_key(p.investment)}")
    return out


def _compatible(a: str, b: str) -> bool:
    return not a or not b or a in b or b in a


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= MONEY_TOLERANCE * max(a, b)


def same_project(a: Profile, b: Profile) -> bool:
    """Whether two mentions from different articles report the same project (symmetric)."""
    if a.article_id == b.article_id or a.phase != b.phase:
        return False
    if not _compatible(a.location, b.location) or not _compatible(a.company, b.company):
        return False
    if a.name and a.name == b.name:
        return True
    return bool(a.company) and a.company == b.company and _close(a.investment, b.investment)


# -- choosing the values of a consolidated project -------------------------------------
@dataclass(frozen=True)
class Mention:
    """One article's record of the project, as the store reads it back."""

    id: str
    article_id: str
    publish_date: str | None
    name: str
    aliases: tuple[str, ...]
    company: str | None
    location: str | None
    status: str | None
    facts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@functools.lru_cache(maxsize=4096)  # the same figures come back in mention after mention
def _digits(value: float | None) -> int:
    """Significant digits written: 2.2e10 has 2, 1.42e8 has 3."""
    if not value:
        return 0
    return len(f"{value:.10g}".split("e")[0].replace(".", "").replace("-", "").strip("0"))


def _money_precision(fact: dict[str, Any]) -> tuple[int, int]:
    return (fact.get("qualifier") == "exact", _digits(fact.get("value_num")))


def _recency(m: Mention) -> str:
    return m.publish_date or ""


# The _pick functions take the mentions in the order of their ids, and keep the first of the
# best: a tie goes to the smallest id.
def _pick_value(
    mentions: Sequence[Mention], field_name: str, precision: Any
) -> tuple[Mention, dict[str, Any]] | None:
    """The fact from the most recent article, then the most precise; ties: smallest id."""
    best: tuple[Any, ...] | None = None
    picked = None
    for m in mentions:
        for fact in m.facts.get(field_name, ()):
            rank = (_recency(m), precision(fact))
            if best is None or rank > best:
                best, picked = rank, (m, fact)
    return picked


def _pick_text(mentions: Sequence[Mention], attr: str) -> tuple[str | None, str | None]:
    """The longest value of ``attr``; ties: the most recent article, then the smallest id."""
    best: tuple[Any, ...] | None = None
    chosen: tuple[str | None, str | None] = (None, None)
    for m in mentions:
        value = getattr(m, attr)
        if value:
            rank = (len(value), _recency(m))
            if best is None or rank > best:
                best, chosen = rank, (value, m.id)
    return chosen


def _pick_name(mentions: Sequence[Mention]) -> tuple[str, str]:
    counts = Counter(m.name for m in mentions)
    best = max(mentions, key=lambda m: (counts[m.name], len(m.name)))
    return best.name, best.id


def _mention_id(m: Mention) -> str:
    return m.id


def choose(mentions: Sequence[Mention]) -> dict[str, Any]:
    """The consolidated record of one group of mentions (see the module docstring)."""
    mentions = sorted(mentions, key=_mention_id)  # max() keeps the first of the best
    name, name_from = _pick_name(mentions)
    chosen_from: dict[str, str] = {"name": name_from}
    row: dict[str, Any] = {"name": name}
    names = {n for m in mentions for n in (m.name, *m.aliases)}
    row["aliases"] = sorted(names - {name})
    for attr in ("company", "location"):
        row[attr], source = _pick_text(mentions, attr)
        if source:
            chosen_from[attr] = source
    for f in MONEY_FIELDS:
        picked = _pick_value(mentions, f, _money_precision)
        row[f] = row[f"{f}_currency"] = row[f"{f}_qualifier"] = None
        if picked:
            m, fact = picked
            row[f], row[f"{f}_currency"] = fact["value_num"], fact["unit"]
            row[f"{f}_qualifier"] = fact["qualifier"]
            chosen_from[f] = m.id
    for f in AREA_FIELDS:
        picked = _pick_value(mentions, f, lambda fact: _digits(fact.get("value_num")))
        row[f] = row[f"{f}_unit"] = None
        if picked:
            m, fact = picked
            row[f], row[f"{f}_unit"] = fact["value_num"], fact["unit"]
            chosen_from[f] = m.id
    for f in DATE_FIELDS:
        picked = _pick_value(mentions, f, lambda fact: len(fact.get("value_text") or ""))
        row[f] = picked[1]["value_text"] if picked else None
        if picked:
            chosen_from[f] = picked[0].id
    row["capacity"] = _pick_capacity(mentions, chosen_from)
    row["status"] = _pick_status(mentions, chosen_from)
    articles = sorted({m.article_id for m in mentions})
    dates = sorted(d for d in (m.publish_date for m in mentions) if d)
    row.update(
        n_articles=len(articles),
        n_mentions=len(mentions),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
        article_ids=articles,
        chosen_from=chosen_from,
    )
    return row


def _pick_capacity(mentions: Sequence[Mention], chosen_from: dict[str, str]) -> list[Any]:
    """The capacity list of the most recent mention that gives one (then the longest list)."""
    having = [m for m in mentions if m.facts.get("capacity")]
    if not having:
        return []
    best = max(having, key=lambda m: (_recency(m), len(m.facts["capacity"])))
    chosen_from["capacity"] = best.id
    return [
        {"value": f["value_num"], "unit": f["unit"], "product": f["product"]}
        for f in best.facts["capacity"]
    ]


def _pick_status(mentions: Sequence[Mention], chosen_from: dict[str, str]) -> str | None:
    """The status of the most recent article; ties: the furthest along."""
    having = [m for m in mentions if m.status in STATUSES]
    if not having:
        return None
    best = max(
        having,
        key=lambda m: (_recency(m), STATUSES.index(m.status)),
    )
    chosen_from["status"] = best.id
    return best.status
