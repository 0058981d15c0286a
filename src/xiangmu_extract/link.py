"""Link mentions into projects.

The article is read sentence by sentence. Project mentions (names, phases, references
such as 该项目) open or continue a project; every figure, area, capacity, date and status
word is tied to one project by scope: the project named in the same item of an
enumeration, else in the same clause, else in the same sentence, else the project in
focus from the sentences before. Totals over many projects ("640个项目,总投资3720亿元")
are never tied to a project.

Figures are recognized sentence by sentence, and only where one could be tied to a project
and a field: in a sentence that names a project or has one in focus (in the others, about two
in five of a page, a figure goes nowhere), and, for each kind of figure, that has a cue of
its fields (:meth:`Linker._figures`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from xiangmu_extract import cues
from xiangmu_extract.draft import Draft, same_project
from xiangmu_extract.names import (
    DIGIT,
    NameMention,
    Phrase,
    find_names,
    find_orgs,
    find_phases,
    find_places,
    lexicon,
)
from xiangmu_extract.numeric import (
    Reference,
    find_capacities,
    find_dates,
    find_money,
    find_quantities,
    parse_reference,
)
from xiangmu_extract.patterns import regex, words

# The end of a sentence: a run of 。!?; marks, or an ellipsis "……" (SENTENCE_END_PLAIN).
# Written to start with a character class, so that the regex engine skips straight to the
# next mark; the plain form is tried at every character (tests/test_fast_regexes.py).
SENTENCE_END_PLAIN: Final = r"[。!?!?;;]+|……"
SENTENCE_END: Final = re.compile(r"[。!?!?;;…](?:(?<=…)…|(?<!…)[。!?!?;;]*)")
CLAUSE_END: Final = re.compile(r"[,,::]")
# What ends a clause; a line break among them, which _clause_start relies on.
CLAUSE_BREAKS: Final = ",。;:,;:\n"
# between a place and a name it is the place of: "X的NAME", "X对NAME", "X内的NAME"
_PLACE_OF_NAME: Final = re.compile(r"的?|对|内的|[^,。]{0,4}的")
# what a company named as a subject never has
_NOT_IN_A_COMPANY: Final = re.compile(r"[的在了是0-9]")
FOCUS_PARAGRAPHS: Final = 1  # a focus lives on for this many paragraphs without a new mention


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class Sentence:
    start: int
    end: int
    paragraph: int

    def __init__(self, start: int, end: int, paragraph: int) -> None:
        self.start = start
        self.end = end
        self.paragraph = paragraph


class _Scope:
    """One sentence being linked: its text, the projects it names, its totals.

    (A plain class: its __init__ is compiled, a dataclass's would not be; the totals are
    kept in an attribute, as a functools.cached_property runs interpreted at every access.)
    """

    def __init__(
        self, sentence: Sentence, text: str, targets: Sequence[tuple[NameMention, Draft]]
    ) -> None:
        self.sentence = sentence
        self.text = text
        self.targets = targets
        self._aggregates: list[tuple[int, int]] | None = None

    def aggregates(self) -> list[tuple[int, int]]:
        """Counts of projects ("640个项目"), looked for only when a figure needs a target."""
        if self._aggregates is None:
            self._aggregates = []
            if regex("link_aggregate_hint").search(self.text):
                base = self.sentence.start
                for m in regex("link_aggregate").finditer(self.text):
                    self._aggregates.append((m.start() + base, m.end() + base))
        return self._aggregates


class _Focus:
    """The project the sentences speak of, and the paragraph that last named it."""

    def __init__(self, root: Draft, current: Draft, paragraph: int) -> None:
        self.root = root
        self.current = current
        self.paragraph = paragraph


def split_sentences(text: str, lines: Sequence[tuple[int, int]]) -> list[Sentence]:
    """Sentences of the given lines (paragraphs), as offsets into ``text``."""
    out: list[Sentence] = []
    for para, (start, end) in enumerate(lines):
        pos = start
        for m in SENTENCE_END.finditer(text, start, end):
            if m.end() > pos:
                out.append(Sentence(pos, m.end(), para))
            pos = m.end()
        if pos < end:
            out.append(Sentence(pos, end, para))
    return out


class Linker:
    """Reads one article and builds its project drafts."""

    def __init__(
        self,
        text: str,
        *,
        reference: str | date | Reference | None = None,
        signing_article: bool = False,
        all_places: bool = True,
    ) -> None:
        """``text`` is the normalized article; ``reference`` the date that relative dates
        ("去年6月") are read against. ``all_places``: collect in :attr:`places` the places of
        every sentence (else only those of the sentences that name a project, which are
        all the linker needs)."""
        self.text = text
        self.reference = (
            reference if isinstance(reference, Reference) else parse_reference(reference)
        )
        self.drafts: list[Draft] = []
        self.focus: _Focus | None = None
        self.orgs: list[Phrase] = []
        self.places: list[Phrase] = []
        self.signing_article = signing_article
        self.all_places = all_places
        self._places_lex = lexicon().places

    # -- drafts -------------------------------------------------------------
    def _draft_for(self, m: NameMention, para: int) -> Draft | None:
        span = (m.start, m.end)
        if m.aggregate:
            return None
        if m.reference:
            if self.focus is None or para - self.focus.paragraph > FOCUS_PARAGRAPHS:
                if m.phase is None or len(m.name) < 4:
                    return None
                draft = self._named(m.name, span, m.strong)
            else:
                root = self.focus.root
                draft = root.phase_draft(m.phase, span) if m.phase else root
                if not m.phase and m.name not in ("项目", "工程"):
                    draft = self.focus.current  # 该项目, 此项目: the one just spoken of
        elif self.focus is not None and self._describes_focus(m, para):
            draft = self.focus.current
        elif m.phase and m.parent:
            root = self._named(m.parent, (m.start, m.end - len(m.phase)), m.strong)
            root.last_form = m.parent
            draft = root.phase_draft(m.phase, span)
        else:
            draft = self._named(m.name, span, m.strong)
        draft.evidence.append(span)
        if not m.strong and self._introduced(m):
            draft.own_votes += 1
        root = draft.parent or draft
        if m.strong or self.focus is None or para - self.focus.paragraph > FOCUS_PARAGRAPHS:
            # a weak head (…基地, …工程 without a type word) does not take the focus
            self.focus = _Focus(root, draft, para)
        return draft

    def _describes_focus(self, m: NameMention, para: int) -> bool:
        """ "集…于一体的综合生产基地": a weak head after a descriptive 的-phrase (no figures)
        describes the project in focus rather than naming a new one."""
        if self.focus is None or para - self.focus.paragraph > FOCUS_PARAGRAPHS:
            return False
        clause_start = self._clause_start(m.start)
        before = self.text[clause_start : m.start]
        if before.endswith(words("name_goal_verbs")):
            return True  # "致力于打造…示范项目": what the project in focus is to become
        if m.strong or not before.endswith("的"):
            return False
        return DIGIT.search(before) is None

    def _clause_start(self, pos: int) -> int:
        """Where the clause around ``pos`` starts: after the last ,。;: or line break before it."""
        text = self.text
        last = text.rfind("\n", 0, pos)  # a break: the others are looked for after it
        for ch in CLAUSE_BREAKS:
            last = max(last, text.rfind(ch, last + 1, pos))
        return last + 1

    def _introduced(self, m: NameMention) -> bool:
        """A weak head named as the object of 建设/引进/签约 or in "分别是A和B"."""
        clause_start = self._clause_start(m.start)
        before = self.text[clause_start : m.start]
        intro = words("name_project_intro")
        return before.endswith(intro) or any(w in before for w in ("分别是", "分别为"))

    def _named(self, name: str, span: tuple[int, int], strong: bool) -> Draft:
        for draft in reversed(self.drafts):
            if same_project(name, draft, self._places_lex):
                if name != draft.name and name not in draft.aliases:
                    draft.aliases.append(name)
                draft.last_form = name
                draft.strong = draft.strong or strong
                return draft
        draft = Draft(name, span, strong)
        self.drafts.append(draft)
        return draft

    # -- reading --------------------------------------------------------------
    def read(self, sentences: Sequence[Sentence]) -> list[Draft]:
        for s in sentences:
            self._sentence(s)
        return self._finish()

    def _sentence(self, s: Sentence) -> None:
        text = self.text[s.start : s.end]
        names = find_names(text, s.start)
        names += find_phases(text, s.start, names)
        names.sort(key=lambda n: n.start)
        orgs = find_orgs(text, s.start)
        self.orgs.extend(orgs)
        targets: list[tuple[NameMention, Draft]] = []
        for m in names:
            draft = self._draft_for(m, s.paragraph)
            if draft is not None:
                targets.append((m, draft))
        # places: for the projects named here, and for the article's place when asked
        places = find_places(text, s.start) if targets or self.all_places else []
        self.places.extend(p for p in places if not _inside(p, orgs))
        for m, draft in targets:
            self._attach_company(m, draft, text, s.start, orgs)
            self._attach_location(m, draft, text, s.start, places, names)
        if not targets and self.focus and s.paragraph - self.focus.paragraph > FOCUS_PARAGRAPHS:
            self.focus = None
        if not targets and self.focus is None:
            return  # no project here or in focus: no figure and no status goes anywhere
        self._figures(_Scope(s, text, targets))
        self._status(s, text, targets)
        if targets:
            for _, draft in targets:
                if draft.company is None:
                    draft.company = _first_investor(orgs, text, s.start)

    # -- figures ----------------------------------------------------------------
    def _target(self, pos: int, scope: _Scope) -> Draft | None:
        s, text, targets = scope.sentence, scope.text, scope.targets
        rel = pos - s.start
        c_start = max(text.rfind(ch, 0, rel) for ch in ",,::") + 1
        ends = [i for i in (text.find(ch, rel) for ch in ",,::") if i >= 0]
        c_end = min(ends) if ends else len(text)
        item_start = max(text.rfind("、", c_start, rel) + 1, c_start)
        item_end_i = text.find("、", rel, c_end)
        item_end = item_end_i if item_end_i >= 0 else c_end
        chosen: tuple[NameMention, Draft] | None = None
        in_item = [t for t in targets if item_start <= t[0].start - s.start < item_end]
        in_clause = [t for t in targets if c_start <= t[0].start - s.start < c_end]
        before = [t for t in targets if t[0].start < pos]
        after = [t for t in targets if t[0].start >= pos]
        if in_item:
            chosen = min(in_item, key=lambda t: abs(t[0].start - pos))
        elif in_clause:
            following = [t for t in in_clause if t[0].start >= pos]
            preceding = [t for t in in_clause if t[0].start < pos]
            linked = [t for t in following if "的" in self.text[pos : t[0].start]]
            chosen = linked[0] if linked else (preceding[-1] if preceding else following[0])
        elif before:
            chosen = before[-1]
        elif after:
            chosen = after[0]
        if chosen is not None:
            # a count of projects between the project (or, for a project named later, the
            # start of the sentence) and the figure makes the figure a total
            lo = chosen[0].start if chosen[0].start < pos else s.start
            if any(lo <= a < pos for a, _ in scope.aggregates()):
                return None
            draft = chosen[1]
        else:
            if self.focus is None or s.paragraph - self.focus.paragraph > FOCUS_PARAGRAPHS:
                return None
            if any(s.start <= a < pos for a, _ in scope.aggregates()):
                return None
            draft = self.focus.root
        if draft.parent is not None and cues.is_whole_project(self.text[max(0, pos - 8) : pos]):
            draft = draft.parent
        return draft

    def _figures(self, scope: _Scope) -> None:
        """The figures of the sentence, each to its project and field. A recognizer runs only
        where a figure it finds could be tied to a field: after a cue of the field (or, for an
        area, in 亩), which the sentence must have (most have none of some kind)."""
        s, text = scope.sentence, scope.text
        money_found = find_money(self.text, s.start, s.end) if cues.has_money_cue(text) else []
        for money in money_found:
            if money.category:
                continue
            field_name = cues.money_field(self.text[s.start : money.start])
            if field_name is None:
                continue
            draft = self._target(money.start, scope)
            if draft is not None:
                draft.add_money(field_name, money, phase_only=draft.parent is not None)
        capacity_spans = []
        for cap in find_capacities(self.text, s.start, s.end):
            capacity_spans.append((cap.start, cap.end))
            draft = self._target(cap.start, scope)
            if draft is not None:
                draft.add_capacity(cap)
        areas_possible = "亩" in text or cues.has_area_cue(text)
        quantities = find_quantities(self.text, s.start, s.end) if areas_possible else []
        for q in quantities:
            if q.kind != "area" or any(a <= q.start < b for a, b in capacity_spans):
                continue
            area = cues.area_field(self.text[s.start : q.start])
            if area is None and q.unit == "亩":
                area = "land_area"
            if area is None:
                continue
            draft = self._target(q.start, scope)
            if draft is not None:
                draft.add_area(area, q)
        self._dates(scope)

    def _dates(self, scope: _Scope) -> None:
        s = scope.sentence
        if not cues.has_date_cue(scope.text):
            return  # a date is tied to an event by a cue of the sentence
        dates = find_dates(self.text, self.reference, s.start, s.end)
        for k, d in enumerate(dates):
            nxt = dates[k + 1].start if k + 1 < len(dates) else s.end
            if d.range_role is not None:
                left = self.text[s.start : d.start]
                if not regex("cue_date_range").search(left):
                    continue
                events = ["start_date" if d.range_role == "start" else "completion_date"]
            else:
                events = cues.date_events(self.text[d.end : nxt], self.text[s.start : d.start])
            if not events:
                continue
            anchor = d.end
            draft = self._target(anchor, scope)
            if draft is None:
                continue
            for event in events:
                draft.add_date(event, d)

    # -- status, company, location --------------------------------------------------
    def _status(self, s: Sentence, text: str, targets: Sequence[tuple[NameMention, Draft]]) -> None:
        found = cues.status_cues_in(text)  # words: those of a clause are among them
        if not found:
            return
        pos = 0
        for clause in CLAUSE_END.split(text):
            end = pos + len(clause)
            in_clause = [(a - pos, b - pos, f) for a, b, f in found if pos <= a and b <= end]
            c_start, c_end = s.start + pos, s.start + end
            pos = end + 1
            if not in_clause:
                continue
            votes = cues.status_votes(clause, in_clause)
            here = [d for m, d in targets if c_start <= m.start < c_end]
            for draft in here:
                draft.own_votes += 1
            if not here:
                before = [d for m, d in targets if m.start < c_start]
                here = before[-1:] or [d for _, d in targets][:1]
            if not here and self.focus and s.paragraph - self.focus.paragraph <= FOCUS_PARAGRAPHS:
                here = [self.focus.current]
            for draft in dict.fromkeys(here):
                draft.votes.extend(votes)

    def _attach_company(
        self, m: NameMention, draft: Draft, text: str, base: int, orgs: Sequence[Phrase]
    ) -> None:
        if draft.company is not None:
            return
        rel = m.start - base
        if m.reference:
            self._company_from_clause(draft, text, base, rel, orgs)
            return
        if m.company is not None:
            draft.company = m.company
            return
        for org in orgs:
            if org.end - base == rel - 1 and text[rel - 1] == "的":
                draft.company = org
                return
        if m.prefix is not None and m.prefix.text not in self._places_lex:
            draft.company = m.prefix
            return
        self._company_from_clause(draft, text, base, rel, orgs)

    def _company_from_clause(
        self, draft: Draft, text: str, base: int, rel: int, orgs: Sequence[Phrase]
    ) -> None:
        """ "X投资3亿元…" (X is the investor) or "由X投资/承建/建设…"."""
        clause_start = max(text.rfind(ch, 0, rel) for ch in ",,:;:") + 1
        subject = regex("cue_investor_subject").match(text[clause_start:rel])
        if subject and not _has_stop(subject.group(1)):
            s, e = clause_start + base, clause_start + base + len(subject.group(1))
            draft.company = _best_org(orgs, s, e) or Phrase(subject.group(1), s, e)
            return
        by = regex("cue_investor_by").search(text[rel:])
        if by:
            s = rel + by.start(1) + base
            e = s + len(by.group(1))
            draft.company = _best_org(orgs, s, e) or Phrase(by.group(1).split("的")[-1], s, e)

    def _attach_location(
        self,
        m: NameMention,
        draft: Draft,
        text: str,
        base: int,
        places: Sequence[Phrase],
        names: Sequence[NameMention],
    ) -> None:
        """The most specific place the sentence ties to the project, by rank: 0 "位于X",
        "在X" or "X的NAME" in the clause; 1 a place the name starts with (not a province);
        2 another place of the sentence."""
        rel = m.start - base
        provinces = words("place_provinces")
        c_start = max(text.rfind(ch, 0, rel) for ch in ",;:,;:") + 1
        ranked: list[tuple[int, int, Phrase]] = []
        for p in places:
            if any(n.start <= p.start and p.end <= n.end and n.start != p.start for n in names):
                continue
            prel, pend = p.start - base, p.end - base
            lead = text[max(0, prel - 3) : prel]
            placed = lead.endswith(("位于", "地处", "落户", "在"))
            before_name = pend <= rel and _PLACE_OF_NAME.fullmatch(text, pend, rel)
            if (placed and (prel >= c_start or m.reference)) or before_name:
                ranked.append((0, abs(prel - rel), p))
            elif m.reference:
                continue
            elif prel == rel and p.text not in provinces and _admin_like(p.text):
                ranked.append((1, 0, p))
            elif p.text not in provinces and not any(n.start <= p.start < n.end for n in names):
                ranked.append((2, abs(prel - rel), p))
        if ranked:
            rank, _, place = min(ranked, key=lambda r: (r[0], r[1]))
            if draft.location is None or rank < draft.location_rank:
                draft.location, draft.location_rank = place, rank

    # -- finishing -----------------------------------------------------------------
    def _finish(self) -> list[Draft]:
        out: list[Draft] = []
        for draft in self.drafts:
            if not draft.strong and not (draft.has_figures() or draft.own_votes):
                continue
            if draft.company is None:
                draft.company = _company_by_prefix(draft.name, self.orgs, self._places_lex)
            if self.signing_article and draft.status() is None:
                draft.votes.append(("signed", True))
            out.append(draft)
            out.extend(draft.fold_phases())
        return out


def _admin_like(place: str) -> bool:
    """A place written as an administrative unit or one from the lexicon (雷山县, 泉州)."""
    lex = lexicon()
    return place.endswith(("省", "市", "县", "区")) or any(
        place[:k] in lex.places for k in range(2, min(len(place), 5) + 1)
    )


def _inside(p: Phrase, others: Sequence[Phrase]) -> bool:
    return any(o.start <= p.start and p.end <= o.end for o in others)


def _has_stop(text: str) -> bool:
    stops = lexicon().stops
    return (
        any(w in text for w in stops if len(w) >= 2) or _NOT_IN_A_COMPANY.search(text) is not None
    )


def _specific(org: Phrase) -> bool:
    return org.text not in words("org_generic") and len(org.text) >= 3


def _best_org(orgs: Sequence[Phrase], start: int, end: int) -> Phrase | None:
    inside = [o for o in orgs if start <= o.start and o.end <= end and _specific(o)]
    return inside[-1] if inside else None


def _first_investor(orgs: Sequence[Phrase], text: str, base: int) -> Phrase | None:
    skip = words("org_not_investor")
    for org in orgs:
        left = text[max(0, org.start - base - 6) : org.start - base]
        if _specific(org) and not any(w in left for w in skip):
            return org
    return None


def _company_by_prefix(name: str, orgs: Sequence[Phrase], places: frozenset[str]) -> Phrase | None:
    """A project named after its company: "豫光再生铅…项目" and the company 豫光金铅."""
    for org in orgs:
        short = org.text
        for k in range(4, 1, -1):
            if short[:k] in places:
                short = short[k:]
                break
        if len(short) >= 2 and name.startswith(short[:2]) and short[:2] not in places:
            return org
    return None
