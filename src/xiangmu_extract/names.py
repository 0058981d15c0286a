"""Recognize project names, companies and places in one sentence.

Names are found from their right end: a head word (项目, 工程, or a weaker head such as
产业园, 小镇, 校区) and a scan to the left over segmenter tokens until a boundary
(punctuation, a function word or verb, an earlier project head, a company suffix, a count).
The same scan, with other heads, finds companies (…有限公司, …集团) and places
(…开发区, …镇, and the county-level names of the ``place_admin`` lexicon).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from xiangmu_extract.patterns import alternation, compiled, get_patterns, plain, regex
from xiangmu_extract.segment import Tokens, tokenize

PUNCT: Final = frozenset(",。;:!?、,;:!?…—·•/|《》<>[]【】「」『』\"'")
OPEN_QUOTES: Final = frozenset("“‘「『")
CLOSE_QUOTES: Final = frozenset("”’」』")
CONJUNCTIONS: Final = ("以及", "和", "及", "与", "并", "或", "暨")
# A date written in front of a name ("2022年12月底工程"): not part of it.
LEADING_DATE: Final = re.compile(
    r"(?:[0-9]{2,4}年)?(?:[0-9]{1,2}月)?(?:底|初|末|中旬|上旬|下旬|份)?"
)
# A count before a classifier: "640个", "一批".
COUNT_NUMERAL: Final = re.compile(r"[0-9一二三四五六七八九十两几多数百千万]+")
QUOTES: Final = re.compile(r"[“”‘’「」『』\"]")
DIGIT: Final = re.compile(r"[0-9]")
# A phase in parentheses right after the head belongs to the name: "…建设项目(一期)".
PAREN_PHASE: Final = re.compile(r"[((][^()()]{0,4}期[))]")
_OPEN: Final = ("(", "(")  # what PAREN_PHASE starts with
REFERENCE_HEADS: Final = ("该", "此", "这个", "这一", "本", "上述", "这")
MAX_NAME_CHARS: Final = 48


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class Phrase:
    """A company or place mention."""

    text: str
    start: int
    end: int

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class NameMention:
    """A project mentioned in a sentence: by name, by phase or by reference."""

    start: int
    end: int
    name: str
    strong: bool
    reference: bool = False  # 该项目, 此项目, a bare 项目
    phase: str | None = None  # 一期, 二期工程 …
    parent: str | None = None  # "X项目" in "X项目二期"
    company: Phrase | None = None  # an organisation written right before the name
    prefix: Phrase | None = None  # a short brand before a quoted name: 华光新材“…项目”
    enumerated: bool = False  # an item of "A、B、C等项目"
    aggregate: bool = False  # "640个年度实施项目": a count of projects, not one

    def __init__(
        self,
        start: int,
        end: int,
        name: str,
        strong: bool,
        reference: bool = False,
        phase: str | None = None,
        parent: str | None = None,
        company: Phrase | None = None,
        prefix: Phrase | None = None,
        enumerated: bool = False,
        aggregate: bool = False,
    ) -> None:
        self.start = start
        self.end = end
        self.name = name
        self.strong = strong
        self.reference = reference
        self.phase = phase
        self.parent = parent
        self.company = company
        self.prefix = prefix
        self.enumerated = enumerated
        self.aggregate = aggregate


@dataclass(frozen=True)
class _Lexicon:
    strong: frozenset[str]
    heads: frozenset[str]  # strong | weak: one lookup for the words that are neither
    weak: frozenset[str]
    types: frozenset[str]
    not_core: frozenset[str]  # type words and punctuation: not what tells names apart
    stops: frozenset[str]
    org_stops: frozenset[str]  # what ends a company name: the stops but company suffixes
    generic: frozenset[str]
    not_after: frozenset[str]
    openers: frozenset[str]
    aggregate_openers: frozenset[str]
    not_project_works: frozenset[str]
    org_suffixes: frozenset[str]
    place_suffixes: frozenset[str]
    places: frozenset[str]
    place_words: frozenset[str]  # places | place_suffixes, likewise
    phase: re.Pattern[str]
    phase_hint: str  # the hints are plain text, in every match of their pattern
    enum_tail: re.Pattern[str]
    enum_tail_hint: str
    component_scope: re.Pattern[str]
    component_scope_hint: str


@functools.cache
def lexicon() -> _Lexicon:
    p = get_patterns()
    strong, weak = (
        frozenset(p.words("name_strong_suffixes")),
        frozenset(p.words("name_weak_suffixes")),
    )
    places, place_suffixes = frozenset(p.words("place_admin")), frozenset(p.words("place_suffixes"))
    return _Lexicon(
        strong=strong,
        heads=strong | weak,
        weak=weak,
        types=frozenset(p.words("name_type_words")),
        not_core=frozenset(p.words("name_type_words")) | PUNCT | OPEN_QUOTES | CLOSE_QUOTES,
        stops=frozenset(p.words("name_stop_words")),
        org_stops=frozenset(p.words("name_stop_words"))
        - frozenset(p.words("org_suffixes"))
        - {"企业"},
        generic=frozenset(p.words("name_generic_words")),
        not_after=frozenset(p.words("name_not_after")),
        openers=frozenset(p.words("name_reference_openers")),
        aggregate_openers=frozenset(p.words("name_aggregate_openers")),
        not_project_works=frozenset(p.words("name_not_project_works")),
        org_suffixes=frozenset(p.words("org_suffixes")),
        place_suffixes=place_suffixes,
        places=places,
        place_words=places | place_suffixes,
        phase=p.regex("name_phase"),
        phase_hint=plain("name_phase_hint"),
        enum_tail=p.regex("name_enumeration_tail"),
        enum_tail_hint=plain("name_enumeration_tail_hint"),
        component_scope=p.regex("name_component_scope"),
        component_scope_hint=plain("name_component_scope_hint"),
    )


@functools.cache
def _heads() -> re.Pattern[str]:
    lex = lexicon()
    return compiled(alternation(lex.heads))


def built_regexes() -> list[re.Pattern[str]]:
    """The regexes this module builds from the pattern data (see patterns.compiled)."""
    return [_heads()]


def may_name_projects(text: str) -> bool:
    """Whether ``text`` has a head word (项目, 工程, 产业园 …) at all: every name, reference,
    enumeration and phase long enough to open a project ends in one."""
    return _heads().search(text) is not None


@functools.cache
def _org_suffix_cores() -> tuple[str, ...]:
    """The company suffixes that hold no shorter one (有限公司 holds 公司): a text has a
    suffix when it has one of these."""
    suffixes = lexicon().org_suffixes
    return tuple(sorted(w for w in suffixes if not any(o != w and o in w for o in suffixes)))


def may_name_orgs(text: str) -> bool:
    """Whether ``text`` has a company suffix (公司, 集团 …): every organisation ends in one.
    (A few substring tests: faster than a regex scan for a word of the list.)"""
    return any(core in text for core in _org_suffix_cores())


def _is_count(words: tuple[str, ...], j: int) -> bool:
    """Word j is a classifier after a numeral: "640个", "78项", "一批"."""
    if words[j] not in ("个", "项", "批", "家", "类", "条", "所", "座", "栋"):
        return False
    return j > 0 and bool(COUNT_NUMERAL.fullmatch(words[j - 1]))


def _scan_left(
    words: tuple[str, ...],
    end: int,
    lex: _Lexicon,
    *,
    stops: frozenset[str],
    org_mode: bool = False,
) -> tuple[int, str]:
    """Index of the first word of the phrase whose head word is ``words[end - 1]``.

    Returns the index and why the scan stopped: "punct", "stop", "quote", "head",
    "org", "count" or "start". Type words (建设, 改造 …) right before the head belong to
    the phrase even when they are also boundary verbs elsewhere.
    """
    head = end - 1
    j = head - 1
    depth = 0  # parentheses opened while scanning left
    adjacent = True  # only type words (or a parenthesis) between j and the head so far
    chars = len(words[head]) if head >= 0 else 0
    while j >= 0:
        t = words[j]
        if t in (")", ")"):
            depth += 1
        elif t in ("(", "("):
            if depth == 0:
                return j + 1, "punct"
            depth -= 1
        elif depth == 0:
            if t in OPEN_QUOTES:
                return j, "quote"
            if t in CLOSE_QUOTES:
                k = j - 1
                while k >= 0 and words[k] not in OPEN_QUOTES and words[k] not in PUNCT:
                    k -= 1
                if k < 0 or words[k] not in OPEN_QUOTES:
                    return j + 1, "punct"
                return k, "quote"
            if t in PUNCT or t.isspace():
                return j + 1, "punct"
            if t in stops and not (adjacent and t in lex.types):
                return j + 1, "stop"
            if t in lex.strong:
                return j + 1, "head"
            if t in lex.org_suffixes and not org_mode:
                return j + 1, "org"
            if _is_count(words, j):
                return j + 1, "count"
            adjacent = adjacent and t in lex.types
        chars += len(t)
        if chars > MAX_NAME_CHARS:
            return j + 1, "punct"
        j -= 1
    return 0, "start"


def _org_before(tokens: Tokens, j: int, lex: _Lexicon, text: str, base: int) -> Phrase | None:
    """The organisation whose suffix word is ``tokens.words[j - 1]``, if any."""
    if j <= 0 or tokens.words[j - 1] not in lex.org_suffixes:
        return None
    start, _ = _scan_left(tokens.words, j, lex, stops=lex.org_stops, org_mode=True)
    if start >= j - 1:
        return None
    s, e = tokens.start(start), tokens.end(j - 1)
    return Phrase(text[s - base : e - base], s, e)


def _core_words(words: tuple[str, ...], lex: _Lexicon) -> list[str]:
    return [w for w in words if w not in lex.not_core and not _is_number(w)]


def _is_number(word: str) -> bool:
    """Digits and points only ("2022", "3.5"), as ``[\\d.]+`` matches whole."""
    if "." not in word:  # most words: no copy without the points
        return word.isdecimal()
    digits = word.replace(".", "")
    return digits.isdecimal() or digits == ""


def is_generic(words: tuple[str, ...], lex: _Lexicon) -> bool:
    """A name made only of generic words, places and numbers names a class of projects."""
    core = _core_words(words, lex)
    rest = [
        t
        for t in core
        if t not in lex.generic and t not in lex.places and t not in lex.place_suffixes
    ]
    if not rest:
        return True
    # single characters left over from generic compounds ("省市县长工程项目")
    return len("".join(rest)) < 2


def clean_name(text: str) -> str:
    """A name as stored: quotes removed, leading conjunctions removed."""
    name = QUOTES.sub("", text).strip()
    for conj in CONJUNCTIONS:
        if name.startswith(conj) and len(name) > len(conj) + 2:
            name = name[len(conj) :]
    return name


def find_names(text: str, base: int = 0) -> list[NameMention]:
    """Project mentions in ``text`` (one sentence); offsets shifted by ``base``."""
    if not may_name_projects(text):
        return []  # nothing to segment: every mention found below ends in a head word
    lex = lexicon()
    tokens = tokenize(text, base)
    words = tokens.words
    found: list[NameMention] = []
    for i, word in enumerate(words):
        if word not in lex.heads:
            continue
        strong = word in lex.strong
        prev = words[i - 1] if i > 0 else ""
        if prev in CONJUNCTIONS:
            continue  # "包干制和项目": not a name
        if word == "工程" and prev not in lex.types and prev not in CLOSE_QUOTES:
            if prev in lex.not_project_works:
                continue  # "金牌工程", "附属工程": an award or a part of a site
            strong = False  # 工程 alone is also "engineering": a name only with facts
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt in lex.not_after:
            continue
        mention = _name_ending_at(text, base, tokens, i, lex, strong=strong)
        if mention is not None:
            found.append(mention)
    found.extend(_enumerated(text, base, tokens, lex))
    found.extend(_shared_head(text, base, tokens, lex, found))
    chosen = _components_dropped(_longest_first(found), text, base)
    # "…2013年财政补助项目雷山县…扩建项目": a name running straight into another one
    # is a category of the second, not a project of its own.
    return [
        m
        for k, m in enumerate(chosen)
        if m.reference or k + 1 == len(chosen) or chosen[k + 1].start != m.end
    ]


def _components_dropped(mentions: list[NameMention], text: str, base: int) -> list[NameMention]:
    """Without the names listed as parts of a project: after a project and a cue in the
    same clause ("该项目涵盖金刚线项目、…"), before "都包含在…" ("农旅项目…都包含在园区内"), or
    after what a project consists of ("主要建设内容包括教学楼、综合楼、体育馆")."""
    cue, after = regex("name_component_cue"), regex("name_component_after")
    lex = lexicon()
    scope = lex.component_scope.search(text) if lex.component_scope_hint in text else None
    parts_from = base + scope.end() if scope else None  # "建设内容包括…": parts from here on
    kept: list[NameMention] = []
    owner: NameMention | None = None  # the project the parts belong to
    for m in mentions:
        if parts_from is not None and m.start >= parts_from and not m.reference:
            continue
        if m.aggregate:
            owner = None
            kept.append(m)
            continue
        between = text[owner.end - base : m.start - base] if owner else ""
        listed = owner is not None and cue.search(between) and not _SENTENCE_BREAK.search(between)
        if not m.reference and (listed or after.match(text, m.end - base)):
            continue
        owner = m
        kept.append(m)
    return kept


_SENTENCE_BREAK: Final = re.compile(r"[。;;!?!?]")


def _name_ending_at(
    text: str, base: int, tokens: Tokens, i: int, lex: _Lexicon, *, strong: bool
) -> NameMention | None:
    words = tokens.words
    start_i, why = _scan_left(words, i + 1, lex, stops=lex.stops)
    end = tokens.end(i)
    phase_text = None
    m = lex.phase.match(text, end - base) if lex.phase_hint in text else None
    if strong and m and not _continues_name(text, m.end()):
        phase_text = m.group(0)
    # (each pattern tried only where its first character is: a bracket, a digit)
    paren = PAREN_PHASE.match(text, end - base) if text.startswith(_OPEN, end - base) else None
    if strong and paren:
        end += len(paren.group(0))
    while start_i < i and words[start_i] in CONJUNCTIONS:
        start_i += 1
    lead_at = tokens.start(start_i) - base
    # a date has a digit, and so starts with one (the words after it have none)
    if lead_at < len(text) and "0" <= text[lead_at] <= "9":
        lead = LEADING_DATE.match(text, lead_at)
        if lead and DIGIT.search(lead.group(0)):
            while start_i < i and tokens.start(start_i) - base < lead.end():
                start_i += 1
    before = words[start_i - 1] if start_i > 0 else ""
    span_words = words[start_i : i + 1]
    start = tokens.start(start_i)
    raw = text[start - base : end - base]
    if span_words[0] in lex.aggregate_openers or before in lex.aggregate_openers:
        # "一批市级公立医院", "多所学校": a class of projects
        return NameMention(start, end, raw, strong, aggregate=True) if strong else None
    core = "".join(_core_words(span_words[:-1], lex))
    if core.endswith("期") and _PHASE_ONLY.fullmatch(core):
        # "一期项目", "二期工程": a phase of the project in focus ("一二期工程": the whole)
        phase = core if len(core.lstrip("第")) == 2 else None
        return NameMention(start, end, raw, strong, reference=True, phase=phase)
    if before in REFERENCE_HEADS or raw in lex.strong:
        opener = before == "" or before in PUNCT or before in lex.openers
        if not strong or (raw in lex.strong and not opener and before not in REFERENCE_HEADS):
            return None
        return _with_phase(NameMention(start, end, raw, strong, reference=True), phase_text)
    if not strong and len(span_words) == 2 and span_words[0] in lex.weak:
        return None  # "医院工程建设情况": hospital works in general, not one project
    if is_generic(span_words, lex):
        if strong and (why == "count" or before == "等"):
            return NameMention(start, end, raw, strong, aggregate=True)
        return None
    name = clean_name(raw)
    if len(name) < 3:
        return None
    company = _org_before(tokens, start_i, lex, text, base) if why == "org" else None
    prefix = _quote_prefix(text, base, tokens, start_i, lex) if why == "quote" else None
    mention = NameMention(
        start, end, name, strong, company=company, prefix=prefix, aggregate=why == "count"
    )
    return _with_phase(mention, phase_text)


_PHASE_ONLY: Final = re.compile(r"第?[一二三四五六七八九十首]+期")


def _quote_prefix(
    text: str, base: int, tokens: Tokens, start_i: int, lex: _Lexicon
) -> Phrase | None:
    """A short brand right before a quoted name: 华光新材“年产…项目”."""
    if start_i == 0:
        return None
    p_start, why = _scan_left(tokens.words, start_i + 1, lex, stops=lex.stops)
    if why in ("count", "head") or p_start >= start_i:
        return None
    span = tokens.words[p_start:start_i]
    if any(w in lex.weak or w in lex.strong or w in CONJUNCTIONS for w in span):
        return None
    s, e = tokens.start(p_start), tokens.end(start_i - 1)
    return Phrase(text[s - base : e - base], s, e) if 2 <= e - s <= 12 else None


def _with_phase(mention: NameMention, phase_text: str | None) -> NameMention:
    if phase_text is None:
        return mention
    return NameMention(
        mention.start,
        mention.end + len(phase_text),
        mention.name + phase_text if not mention.reference else phase_text,
        mention.strong,
        reference=mention.reference,
        phase=phase_text,
        parent=None if mention.reference else mention.name,
        company=mention.company,
        prefix=mention.prefix,
    )


_MORE_NAME: Final = re.compile(r"[南北东西中]区|[A-Za-z]")


def _continues_name(text: str, pos: int) -> bool:
    """A phase word followed by more name ("一期南区项目") is part of a longer name."""
    return _MORE_NAME.match(text, pos) is not None


def find_phases(text: str, base: int, taken: Sequence[NameMention]) -> list[NameMention]:
    """Phase mentions standing alone: "一期项目已投产", "二期建设5000亩", "第一期三条生产线"."""
    lex = lexicon()
    out: list[NameMention] = []
    if lex.phase_hint not in text:
        return out
    for m in lex.phase.finditer(text):
        s, e = m.start() + base, m.end() + base
        if any(t.start <= s < t.end for t in taken):
            continue
        prev = text[m.start() - 1] if m.start() > 0 else ""
        if prev and (prev in "分共等和、一二三四五六七八九十两第" or prev.isdigit()):
            continue
        nxt = text[m.end() : m.end() + 1]
        if _continues_name(text, m.end()) or nxt in (
            "间",
            "刊",
            "限",
            "货",
            "待",
            "望",
            "末",
            "内",
        ):
            continue
        out.append(NameMention(s, e, m.group(0), True, reference=True, phase=m.group(0)))
    return out


def _enumerated(text: str, base: int, tokens: Tokens, lex: _Lexicon) -> list[NameMention]:
    """Items of "A、B、C等N个项目": each item is a project ("A项目")."""
    out: list[NameMention] = []
    if lex.enum_tail_hint not in text:
        return out
    for tail in lex.enum_tail.finditer(text):
        seg_start = max(text.rfind(ch, 0, tail.start()) for ch in ",。;:!?,;:") + 1
        seg = text[seg_start : tail.start()]
        if "、" not in seg:
            continue
        pos = seg_start
        for item in seg.split("、"):
            item_end = pos + len(item)
            mention = _enumeration_item(text, base, tokens, lex, pos, item_end)
            if mention is not None:
                out.append(mention)
            pos = item_end + 1
    return out


def _enumeration_item(
    text: str, base: int, tokens: Tokens, lex: _Lexicon, start: int, end: int
) -> NameMention | None:
    ends = tokens.bounds[1:]  # (the bounds are offsets into text)
    end_i = bisect.bisect_left(ends, end)
    if end_i == len(ends) or ends[end_i] != end:
        return None
    start_i, _ = _scan_left(tokens.words, end_i + 1, lex, stops=lex.stops)
    start_i = max(start_i, bisect.bisect_left(tokens.bounds, start))
    span = tokens.words[start_i : end_i + 1]
    if not span or is_generic(span, lex):
        return None
    s, e = tokens.start(start_i), tokens.end(end_i)
    raw = clean_name(text[s - base : e - base])
    if len(raw) < 2:
        return None
    name = raw if any(raw.endswith(h) for h in lex.strong) else raw + "项目"
    return NameMention(s, e, name, True, enumerated=True)


def _shared_head(
    text: str, base: int, tokens: Tokens, lex: _Lexicon, found: Sequence[NameMention]
) -> list[NameMention]:
    """ "年产2000万个A、年产3000吨B项目": parallel items before a named one share its head."""
    out: list[NameMention] = []
    for m in found:
        if m.reference or m.start - base < 2 or text[m.start - base - 1] != "、":
            continue
        item_end = m.start - base - 1
        item_start = max(text.rfind(ch, 0, item_end) for ch in ",。;:!?,;:、") + 1
        item = text[item_start:item_end]
        if not item.startswith(m.name[:2]):
            # "引进了年产…": the item starts where the parallel wording starts
            at = item.find(m.name[:2])
            item_start, item = (item_start + at, item[at:]) if at > 0 else (item_start, item)
        head = next(h for h in lex.strong if m.name.endswith(h)) if m.strong else None
        if head is None or len(item) < 4 or item[:2] != m.name[:2]:
            continue
        out.append(NameMention(item_start + base, item_end + base, clean_name(item) + head, True))
    return out


def _longest_first(mentions: list[NameMention]) -> list[NameMention]:
    """Overlap policy: of overlapping mentions the longest wins, ties to the earlier one."""
    starts: list[int] = []  # chosen mentions, sorted by start, never overlapping
    chosen: list[NameMention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        k = bisect.bisect_left(starts, m.start)
        if k > 0 and chosen[k - 1].end > m.start:
            continue
        if k < len(chosen) and chosen[k].start < m.end:
            continue
        starts.insert(k, m.start)
        chosen.insert(k, m)
    return chosen


def find_orgs(text: str, base: int = 0) -> list[Phrase]:
    """Organisations: a name ending in a company suffix (…有限公司, …集团)."""
    if not may_name_orgs(text):
        return []  # nothing to segment
    lex = lexicon()
    tokens = tokenize(text, base)
    words = tokens.words
    found: list[Phrase] = []
    stops = lex.org_stops
    for i, word in enumerate(words):
        if word not in lex.org_suffixes or _org_continues(words, i + 1, lex):
            continue
        start_i, _ = _scan_left(words, i + 1, lex, stops=stops, org_mode=True)
        if start_i >= i or tokens.start(i) - tokens.start(start_i) < 2:
            continue
        s, e = tokens.start(start_i), tokens.end(i)
        found.append(Phrase(clean_name(text[s - base : e - base]), s, e))
    return found


def _org_continues(words: tuple[str, ...], k: int, lex: _Lexicon) -> bool:
    """After an organisation suffix, another one follows: "药业(甘肃)有限公司"."""
    if k < len(words) and words[k] in ("(", "("):
        while k < len(words) and words[k] not in (")", ")"):
            k += 1
        k += 1
    return k < len(words) and words[k] in lex.org_suffixes


def find_places(text: str, base: int = 0) -> list[Phrase]:
    """Places: county-level names from the lexicon, and names ending in a place suffix,
    joined when adjacent ("海宁" + "黄湾镇" -> "海宁黄湾镇")."""
    lex = lexicon()
    tokens = tokenize(text, base)
    words = tokens.words
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(words):
        if word not in lex.place_words:
            continue
        if word in lex.places:
            end_i = i
            if i + 1 < len(words) and words[i + 1] in lex.place_suffixes:
                end_i = i + 1
            spans.append((i, end_i))
        elif word in lex.place_suffixes and i > 0:
            start = i
            reach = 3 if len(word) == 1 else 2  # single characters before the suffix
            for k in range(i - 1, max(i - reach - 1, -1), -1):
                t = words[k]
                if t in lex.places:
                    start = k
                    break
                if len(t) != 1 or t in lex.stops or t in PUNCT or not _is_cjk(t):
                    break
                start = k
            if start < i and (i - start >= 2 or len(word) >= 2 or words[start] in lex.places):
                spans.append((start, i))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        gap = words[s - 1] if s > 0 else ""
        gap_ok = merged and s == merged[-1][1] + 2 and len(gap) == 1 and _is_cjk(gap)
        gap_ok = gap_ok and gap not in lex.stops
        if merged and (s <= merged[-1][1] + 1 or gap_ok):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    out = []
    for s, e in merged:
        start, end = tokens.start(s), tokens.end(e)
        out.append(Phrase(text[start - base : end - base], start, end))
    return out


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
