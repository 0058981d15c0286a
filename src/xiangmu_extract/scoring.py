"""Scoring extracted documents against gold annotations (pure functions over parsed JSON).

Both sides are plain dicts as read from JSON: gold files (``data/gold/*.json``, values plain,
``"?"`` = not scored) and extractor output (values wrapped with ``text``/``span``). A scalar
given as ``{"value": …}`` is unwrapped; extra keys are ignored on both sides.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from types import MappingProxyType
from typing import Any, Literal

MATCH_THRESHOLD = 0.6
"""Minimum name similarity for a predicted project to be paired with a gold project."""
CONTAINMENT_SIMILARITY = 0.9
"""Similarity of two names where one contains the other (and the shorter is long enough)."""
MIN_CONTAINED_CHARS = 4
"""The shorter name must have at least this many characters for containment to count."""
RELATIVE_TOLERANCE = 0.005
"""Numbers (money, areas, capacities) are equal within this relative difference."""
UNSCORED = "?"
"""Gold marker: the value is not scored, whatever was predicted."""

Kind = Literal["money", "area", "capacity", "contains", "exact", "name"]

FACT_KINDS: Mapping[str, Kind] = MappingProxyType(
    {
        "company": "contains",
        "location": "contains",
        "investment": "money",
        "output_value": "money",
        "tax": "money",
        "capacity": "capacity",
        "land_area": "area",
        "floor_area": "area",
        "start_date": "exact",
        "completion_date": "exact",
        "production_date": "exact",
        "status": "exact",
    }
)
METADATA_KINDS: Mapping[str, Kind] = MappingProxyType(
    {"title": "name", "publish_date": "exact", "media": "contains"}
)
FACT_FIELDS: tuple[str, ...] = tuple(FACT_KINDS)
METADATA_FIELDS: tuple[str, ...] = tuple(METADATA_KINDS)

# Quote and bracket characters dropped from names; full-width forms are folded by NFKC first.
_DROPPED_CHARS = str.maketrans("", "", "“”\"‘’'《》「」『』")


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives of one field (or a total).

    Where a ratio has an empty denominator it is 1.0 if nothing at all was counted
    (nothing to find, nothing found) and 0.0 otherwise.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def _ratio(self, denominator: int) -> float:
        if denominator:
            return self.tp / denominator
        return 1.0 if self.tp + self.fp + self.fn == 0 else 0.0

    @property
    def precision(self) -> float:
        return self._ratio(self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self._ratio(self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class ProjectMatch:
    """A predicted project paired with a gold project (indices into each side's list)."""

    gold_index: int
    predicted_index: int
    gold_name: str
    predicted_name: str
    similarity: float


@dataclass(frozen=True)
class DocResult:
    """The pairing and totals for one document."""

    doc_id: str
    projects: Counts
    facts: Counts
    matches: tuple[ProjectMatch, ...]
    missed: tuple[str, ...]  # gold project names without a predicted match
    spurious: tuple[str, ...]  # predicted project names without a gold match


@dataclass(frozen=True)
class Report:
    """Per-field counts over a set of documents."""

    fields: Mapping[str, Counts]  # the project facts, in FACT_FIELDS order
    projects: Counts  # project detection
    metadata: Mapping[str, Counts]  # title, publish_date, media
    docs: tuple[DocResult, ...]
    errors: Mapping[str, str] = field(default_factory=dict)  # doc_id -> extraction error

    @property
    def all_facts(self) -> Counts:
        """Micro total over the project fact fields."""
        return sum(self.fields.values(), Counts())


def normalize_name(name: str) -> str:
    """Fold width (NFKC), drop quotes/brackets and whitespace, lowercase Latin."""
    folded = unicodedata.normalize("NFKC", name).translate(_DROPPED_CHARS)
    return "".join(folded.split()).lower()


def _names(project: Mapping[str, Any]) -> list[str]:
    raw: list[Any] = [project.get("name")]
    aliases = project.get("aliases")
    raw.extend([aliases] if isinstance(aliases, str) else aliases or [])
    normalized = (normalize_name(n) for n in raw if isinstance(n, str))
    return list(dict.fromkeys(n for n in normalized if n))


def _contains(a: str, b: str) -> bool:
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= MIN_CONTAINED_CHARS and shorter in longer


def name_similarity(names_a: Iterable[str], names_b: Iterable[str]) -> float:
    """Similarity of two name sets: 1.0 if any pair is equal after normalization, else
    CONTAINMENT_SIMILARITY if one name contains another, else the best difflib ratio."""
    a = [n for n in map(normalize_name, names_a) if n]
    b = [n for n in map(normalize_name, names_b) if n]
    pairs = [(x, y) for x in a for y in b]
    if not pairs:
        return 0.0
    if any(x == y for x, y in pairs):
        return 1.0
    if any(_contains(x, y) for x, y in pairs):
        return CONTAINMENT_SIMILARITY
    return max(SequenceMatcher(None, x, y).ratio() for x, y in pairs)


def match_projects(
    gold: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int, float]]:
    """Pair projects one-to-one, greedily by descending name similarity, at or above
    MATCH_THRESHOLD. Returns (gold index, predicted index, similarity) in gold order."""
    gold_names = [_names(p) for p in gold]
    predicted_names = [_names(p) for p in predicted]
    candidates = [
        (name_similarity(g, p), gi, pi)
        for gi, g in enumerate(gold_names)
        for pi, p in enumerate(predicted_names)
    ]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for similarity, gi, pi in candidates:
        if similarity < MATCH_THRESHOLD:
            break
        if gi not in used_gold and pi not in used_predicted:
            used_gold.add(gi)
            used_predicted.add(pi)
            pairs.append((gi, pi, similarity))
    return sorted(pairs)


def _is_unscored(value: Any) -> bool:
    if isinstance(value, Mapping):
        value = value.get("value")
    return isinstance(value, str) and value.strip() == UNSCORED


def _scalar(value: Any) -> Any:
    """Unwrap ``{"value": …}``; blank strings and "?" are absent (None)."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, str):
        value = value.strip()
        return value if value and value != UNSCORED else None
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE)


def _distance(a: float | None, b: float | None) -> float:
    return abs(a - b) if a is not None and b is not None else math.inf


def _money(value: Any) -> tuple[float | None, str, str]:
    if not isinstance(value, Mapping):
        return _number(value), "CNY", "exact"
    currency = str(value.get("currency") or "CNY").strip().upper()
    return _number(value.get("value")), currency, str(value.get("qualifier") or "exact").strip()


def _quantity(value: Any) -> tuple[float | None, str]:
    if not isinstance(value, Mapping):
        return _number(value), ""
    return _number(value.get("value")), str(value.get("unit") or "").strip()


def _equal(kind: Kind, gold: Any, predicted: Any) -> bool:
    if kind == "money":
        g_value, g_currency, g_qualifier = _money(gold)
        p_value, p_currency, p_qualifier = _money(predicted)
        return _close(g_value, p_value) and (g_currency, g_qualifier) == (p_currency, p_qualifier)
    if kind in ("area", "capacity"):
        (gv, g_unit), (pv, p_unit) = _quantity(gold), _quantity(predicted)
        return _close(gv, pv) and g_unit == p_unit
    g, p = _scalar(gold), _scalar(predicted)
    if kind == "exact":
        return str(g) == str(p)
    g, p = normalize_name(str(g)), normalize_name(str(p))
    return g == p or (kind == "contains" and bool(g and p) and (g in p or p in g))


def _items(value: Any) -> list[Any]:
    if value is None or _is_unscored(value):
        return []
    items = [value] if isinstance(value, Mapping) else list(value)
    return [item for item in items if item is not None and not _is_unscored(item)]


def _compare_capacity(gold: list[Any], predicted: list[Any]) -> Counts:
    candidates = [
        (_distance(_quantity(g)[0], _quantity(p)[0]), gi, pi)
        for gi, g in enumerate(gold)
        for pi, p in enumerate(predicted)
        if _equal("capacity", g, p)
    ]
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    for _, gi, pi in sorted(candidates):
        if gi not in used_gold and pi not in used_predicted:
            used_gold.add(gi)
            used_predicted.add(pi)
    tp = len(used_gold)
    return Counts(tp=tp, fp=len(predicted) - tp, fn=len(gold) - tp)


def compare_value(kind: Kind, gold: Any, predicted: Any) -> Counts:
    """Counts for one field of one (gold, predicted) pair; None on a side means absent.

    Both present and equal -> tp; both present and unequal -> fp + fn; only predicted -> fp;
    only gold -> fn; gold "?" -> nothing. Capacities count one fact per item."""
    if _is_unscored(gold):
        return Counts()
    if kind == "capacity":
        return _compare_capacity(_items(gold), _items(predicted))
    gold_present = _scalar(gold) is not None
    predicted_present = _scalar(predicted) is not None
    if not (gold_present and predicted_present):
        return Counts(fp=int(predicted_present), fn=int(gold_present))
    return Counts(tp=1) if _equal(kind, gold, predicted) else Counts(fp=1, fn=1)


def _projects(doc: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    projects = (doc or {}).get("projects") or []
    return [p for p in projects if isinstance(p, Mapping)]


def _display_name(project: Mapping[str, Any]) -> str:
    name = project.get("name")
    return name if isinstance(name, str) else ""


def _score_doc(
    doc_id: str,
    gold: Mapping[str, Any],
    predicted: Mapping[str, Any] | None,
    tallies: dict[str, Counts],
) -> DocResult:
    """Score one document, adding each fact field's counts to ``tallies``."""
    gold_projects, predicted_projects = _projects(gold), _projects(predicted)
    pairs = match_projects(gold_projects, predicted_projects)
    paired_gold = {gi: pi for gi, pi, _ in pairs}
    paired_predicted = set(paired_gold.values())
    facts = Counts()
    for name, kind in FACT_KINDS.items():
        counts = Counts()
        for gi, g in enumerate(gold_projects):
            pi = paired_gold.get(gi)
            p = predicted_projects[pi].get(name) if pi is not None else None
            counts += compare_value(kind, g.get(name), p)
        for pi, p in enumerate(predicted_projects):
            if pi not in paired_predicted:
                counts += compare_value(kind, None, p.get(name))
        tallies[name] = tallies.get(name, Counts()) + counts
        facts += counts
    return DocResult(
        doc_id=doc_id,
        projects=Counts(
            tp=len(pairs),
            fp=len(predicted_projects) - len(pairs),
            fn=len(gold_projects) - len(pairs),
        ),
        facts=facts,
        matches=tuple(
            ProjectMatch(
                gi,
                pi,
                _display_name(gold_projects[gi]),
                _display_name(predicted_projects[pi]),
                similarity,
            )
            for gi, pi, similarity in pairs
        ),
        missed=tuple(
            _display_name(g) for gi, g in enumerate(gold_projects) if gi not in paired_gold
        ),
        spurious=tuple(
            _display_name(p)
            for pi, p in enumerate(predicted_projects)
            if pi not in paired_predicted
        ),
    )


def score(gold: Mapping[str, dict[str, Any]], predicted: Mapping[str, dict[str, Any]]) -> Report:
    """Score predicted documents against gold ones, both keyed by doc_id.

    Only gold documents are scored: a doc missing from ``predicted`` counts as no projects and
    null metadata; predicted docs without gold are ignored."""
    tallies: dict[str, Counts] = {}
    metadata = dict.fromkeys(METADATA_FIELDS, Counts())
    docs: list[DocResult] = []
    for doc_id in sorted(gold):
        gold_doc, predicted_doc = gold[doc_id], predicted.get(doc_id) or {}
        docs.append(_score_doc(doc_id, gold_doc, predicted_doc, tallies))
        for name, kind in METADATA_KINDS.items():
            metadata[name] += compare_value(kind, gold_doc.get(name), predicted_doc.get(name))
    return Report(
        fields={name: tallies.get(name, Counts()) for name in FACT_FIELDS},
        projects=sum((d.projects for d in docs), Counts()),
        metadata=metadata,
        docs=tuple(docs),
    )
