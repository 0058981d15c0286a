"""The HTML report of one article (``extract FILE --html REPORT``): the article text with
every mention highlighted in its label's colour, the project records beside it, each value
linked to its mention, and the warnings (values dropped by validation).

Overlapping mentions are nested: a mention inside another (a LOCATION inside a PROJECT
name) is a ``<mark>`` inside the outer ``<mark>``; the outer one keeps a bottom border in
its colour, so both stay visible. A mention that crosses the end of another is split into
pieces; the first piece carries the anchor ``id="m-<start>-<end>"``, every piece
``data-m`` with that id, so a click flashes all of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from xiangmu_extract.charts import format_number
from xiangmu_extract.labels import LABEL_COLORS, LABELS, LabeledMention, document_mentions
from xiangmu_extract.models import (
    AREA_FIELDS,
    DATE_FIELDS,
    MONEY_FIELDS,
    Area,
    DateValue,
    Document,
    Money,
    Project,
    Quantity,
)
from xiangmu_extract.report_page import esc, json_script, page

Span = tuple[int, int]
_QUALIFIER_SIGNS = {"exact": "", "at_least": "≥ ", "at_most": "≤ ", "about": "≈ "}


def anchor(span: Span) -> str:
    """The element id of the mention at ``span``."""
    return f"m-{span[0]}-{span[1]}"


@dataclass
class _Open:
    mention: LabeledMention
    key: str


def _open_tag(m: LabeledMention, key: str, first: bool, ids: set[str]) -> str:
    attrs = [f'class="m m-{m.label}{"" if first else " cont"}"', f'data-m="{esc(key)}"']
    if first and key not in ids:
        ids.add(key)
        attrs.append(f'id="{esc(key)}"')
    value = m.value if isinstance(m.value, str) else format_number(m.value)
    unit = f" {m.unit}" if m.unit else ""
    attrs.append(f'title="{esc(f"{m.label}: {value}{unit}")}"')
    return f"<mark {' '.join(attrs)}>"


def highlight(text: str, mentions: Sequence[LabeledMention]) -> str:
    """``text`` as escaped HTML with ``mentions`` (spans of ``text``) as nested marks."""
    valid = [m for m in mentions if 0 <= m.start < m.end <= len(text)]
    starting: dict[int, list[LabeledMention]] = defaultdict(list)
    for m in sorted(valid, key=lambda m: (m.start, -m.end, LABELS.index(m.label))):
        starting[m.start].append(m)
    bounds = sorted({0, len(text), *(m.start for m in valid), *(m.end for m in valid)})
    out: list[str] = []
    stack: list[_Open] = []
    ids: set[str] = set()
    pos = 0
    for b in bounds:
        out.append(esc(text[pos:b]))
        pos = b
        closing = [i for i, o in enumerate(stack) if o.mention.end == b]
        if closing:
            above = stack[closing[0] :]
            out.append("</mark>" * len(above))
            del stack[closing[0] :]
            for o in above:
                if o.mention.end != b:  # crosses the end of another: continue in a new piece
                    out.append(_open_tag(o.mention, o.key, False, ids))
                    stack.append(o)
        for m in starting.get(b, ()):
            key = anchor((m.start, m.end))
            out.append(_open_tag(m, key, True, ids))
            stack.append(_Open(m, key))
    return "".join(out)


# -- the records ------------------------------------------------------------------------
def _link(text: str, span: Span | None, written: str | None = None) -> str:
    """A value: a link to its mention when it has a span."""
    tip = f' title="{esc("as written: " + written)}"' if written else ""
    if span is None or span[0] >= span[1]:
        return f'<span class="v nolink"{tip}>{esc(text)}</span>'
    return f'<a class="v" href="#{anchor(span)}"{tip}>{esc(text)}</a>'


def _money(m: Money) -> str:
    """An amount as a reader writes it: 22,000,000,000 CNY -> "220亿元"."""
    sign = _QUALIFIER_SIGNS.get(m.qualifier, "")
    if m.currency != "CNY":
        return f"{sign}{format_number(m.value)} {m.currency}"
    for size, unit in ((1e8, "亿元"), (1e4, "万元")):
        if m.value >= size:
            return f"{sign}{format_number(m.value / size, 4)}{unit}"
    return f"{sign}{format_number(m.value)}元"


def _quantity(q: Quantity | Area) -> str:
    product = f" {q.product}" if isinstance(q, Quantity) and q.product else ""
    return f"{format_number(q.value)} {q.unit}{product}"


def _item(field: str, value: Money | Quantity | Area | DateValue) -> str:
    if isinstance(value, Money):
        shown = _money(value)
    elif isinstance(value, DateValue):
        shown = value.value
    else:
        shown = _quantity(value)
    link = _link(shown, value.span, value.text)
    return f'<li data-field="{esc(field)}"><span class="f">{esc(field)}</span> {link}</li>'


def _values(p: Project, fields: Sequence[str]) -> str:
    items: list[str] = []
    for f in fields:
        values = p.capacity if f == "capacity" else [getattr(p, f)]
        items.extend(_item(f, v) for v in values if v is not None)
    return f'<ul class="vals">{"".join(items)}</ul>' if items else ""


def _record_row(i: int, p: Project) -> str:
    aliases = "".join(f'<div class="alias">{esc(a)}</div>' for a in p.aliases)
    company = _link(p.company, p.company_span) if p.company else ""
    location = _link(p.location, p.location_span) if p.location else ""
    cells = [
        f'<td class="num">{i + 1}</td>',
        f'<td data-field="name">{_link(p.name, p.name_span)}{aliases}</td>',
        f'<td data-field="company">{company}</td>',
        f'<td data-field="location">{location}</td>',
        f'<td data-field="status">{esc(p.status or "")}</td>',
        f"<td>{_values(p, MONEY_FIELDS)}</td>",
        f"<td>{_values(p, ('capacity',))}</td>",
        f"<td>{_values(p, AREA_FIELDS)}</td>",
        f"<td>{_values(p, DATE_FIELDS)}</td>",
    ]
    return f'<tr data-project="{i}">{"".join(cells)}</tr>'


def _records(doc: Document) -> str:
    if not doc.projects:
        return '<p class="none">No project found in this article.</p>'
    head = "".join(
        f"<th>{h}</th>"
        for h in ("#", "project", "company", "location", "status", "money", "capacity", "area")
    )
    rows = "".join(_record_row(i, p) for i, p in enumerate(doc.projects))
    return (
        f'<table class="records" id="records"><thead><tr>{head}<th>dates</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


# -- the page ---------------------------------------------------------------------------
def _legend(mentions: Sequence[LabeledMention]) -> str:
    counts = Counter(m.label for m in mentions)
    items = "".join(
        f'<li><mark class="m m-{label} swatch">{label}</mark> <span class="count">'
        f"{counts.get(label, 0)}</span></li>"
        for label in LABELS
    )
    return f'<ul class="legend" id="legend">{items}</ul>'


def _warnings(doc: Document) -> str:
    if not doc.warnings:
        return '<p class="none" id="warnings">No warnings: no value was dropped.</p>'
    items = "".join(f"<li>{esc(w)}</li>" for w in doc.warnings)
    return f'<ul class="warnings" id="warnings">{items}</ul>'


def _metadata(doc: Document, source: str | None) -> str:
    rows = (
        ("source", source or doc.source),
        ("publish date", doc.publish_date),
        ("media", doc.media),
        ("author", doc.author),
    )
    items = "".join(f"<dt>{k}</dt><dd>{esc(v)}</dd>" for k, v in rows if v)
    return f'<dl class="meta">{items}</dl>'


def _mention_data(mentions: Sequence[LabeledMention]) -> dict[str, object]:
    return {
        anchor((m.start, m.end)): {
            "label": m.label,
            "text": m.text,
            "value": m.value,
            "unit": m.unit,
            "refs": [[i + 1, f] for i, f in m.refs],
        }
        for m in reversed(mentions)  # the first mention of a span wins, as for the anchor id
    }


def label_css() -> str:
    """The colour of each label, as CSS custom properties (from LABEL_COLORS)."""
    return "".join(f".m-{label}{{--c:{LABEL_COLORS[label]}}}" for label in LABELS)


def render_article_report(doc: Document, original_text: str, *, source: str | None) -> str:
    """The report of ``doc`` as a full HTML document. ``original_text`` is the text the
    spans of ``doc`` index (the input as read, for ``text_basis == "input"``)."""
    mentions = document_mentions(doc, original_text)
    title = doc.title or source or doc.source or "article"
    body = (
        f'<header><h1 id="doc-title">{esc(title)}</h1>{_metadata(doc, source)}'
        f"{_legend(mentions)}</header>\n"
        '<main class="columns">'
        f'<section class="article-pane"><h2>Article</h2><div class="text" id="text">'
        f"{highlight(original_text, mentions)}</div></section>"
        '<aside class="records-pane">'
        f"<h2>Projects ({len(doc.projects)})</h2>{_records(doc)}"
        '<div class="mention-info" id="mention-info" hidden></div>'
        f"<h2>Warnings ({len(doc.warnings)})</h2>{_warnings(doc)}</aside></main>\n"
        f"{json_script('mention-data', _mention_data(mentions))}"
    )
    return page(f"xiangmu-extract: {title}", body, kind="article", extra_css=label_css())
