"""The HTML report of a project database (``xiangmu-extract report DB -o REPORT``): the
counts, four charts (total investment by province, projects by month of publication,
capacity by product family, status breakdown) and the consolidated projects as a table
that sorts by a click on a header and filters by a text box, each project linked to its
source articles.

Provinces and product families are best-effort groupings (:mod:`report_groups`): the
province of a project is the one its location or name names, else the one the other
projects of its article name, else the one the article's headline or outlet names.
Investment sums are of CNY amounts as consolidated (a project and its phases are separate
rows, so a phase may be counted in its project's total too).
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from xiangmu_extract.charts import Bar, bar_chart, format_number
from xiangmu_extract.frames import read_database
from xiangmu_extract.models import STATUSES
from xiangmu_extract.report_groups import (
    article_provinces,
    find_province,
    product_family,
    province_from_articles,
)
from xiangmu_extract.report_page import esc, page
from xiangmu_extract.store import connect_readonly

YI = 1e8  # 亿: investment totals are charted in 亿元
UNKNOWN = "(unknown)"
MAX_MONTH_BARS = 36  # more months than this: projects by year
MAX_CAPACITY_UNITS = 4  # capacity charts: one per unit, the most frequent units
MAX_FAILURES_LISTED = 200


@dataclass(frozen=True, slots=True)
class ArticleRef:
    id: str
    source: str
    locator: str
    url: str | None
    title: str | None
    publish_date: str | None
    media: str | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the report shows, read from the database."""

    counts: dict[str, int]
    projects: list[dict[str, Any]]  # read_database rows plus "province", "capacity_items"
    articles: dict[str, ArticleRef]
    failures: list[tuple[str, str, str]]


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _clean(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: None if _is_missing(v) else v for k, v in row.items()}


def read_snapshot(db_path: str | os.PathLike[str]) -> Snapshot:
    """Counts, consolidated projects (with province and capacity items), articles and
    failures of the database at ``db_path``."""
    with closing(connect_readonly(db_path)) as db:
        counts = {
            t: int(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in ("articles", "projects", "consolidated", "failures")
        }
        query = "SELECT id, source, locator, url, title, publish_date, media FROM articles"
        articles = {r["id"]: ArticleRef(**dict(r)) for r in db.execute(query)}
        query = "SELECT id, capacity FROM consolidated"
        capacity = {r["id"]: json.loads(r["capacity"]) for r in db.execute(query)}
        failures = [
            (r["source"], r["locator"], r["reason"])
            for r in db.execute(
                "SELECT source, locator, reason FROM failures ORDER BY source, locator LIMIT ?",
                (MAX_FAILURES_LISTED,),
            )
        ]
    frame = read_database(db_path)
    projects = [_clean(row) for row in frame.to_dict("records")]
    for p in projects:
        p["article_list"] = (p["article_ids"] or "").split("; ") if p["article_ids"] else []
        p["capacity_items"] = capacity.get(p["consolidated_id"], [])
        p["province"] = find_province(p["location"], p["name"])
    # County-level places: the province the article's other projects name, else the one its
    # headline or outlet names ("湖北日报").
    by_article = article_provinces((p["article_list"], p["province"]) for p in projects)
    by_outlet = {a.id: find_province(a.title, a.media) for a in articles.values()}
    outlets = {a: province for a, province in by_outlet.items() if province}
    for p in projects:
        ids = p["article_list"]
        p["province"] = (
            p["province"]
            or province_from_articles(ids, by_article)
            or province_from_articles(ids, outlets)
        )
    return Snapshot(counts, projects, articles, failures)


# -- charts -----------------------------------------------------------------------------
def investment_by_province(projects: Sequence[Mapping[str, Any]]) -> list[Bar]:
    """Total CNY investment per province (in 亿元), largest first, unknown last."""
    total: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    for p in projects:
        if p["investment"] is None or p["investment_currency"] not in (None, "CNY"):
            continue
        key = p["province"] or UNKNOWN
        total[key] += p["investment"] / YI
        count[key] += 1
    order = sorted(total, key=lambda k: (k == UNKNOWN, -total[k], k))
    return [Bar(k, total[k], format_number(total[k]), f"{count[k]} projects") for k in order]


def projects_by_period(projects: Sequence[Mapping[str, Any]]) -> tuple[str, list[Bar]]:
    """Projects per month of first publication ("YYYY-MM"), or per year when the months
    are more than :data:`MAX_MONTH_BARS`; returns (period name, bars in time order)."""
    months = Counter(
        p["first_published"][:7] for p in projects if len(p["first_published"] or "") >= 7
    )
    period, counts = "month", months
    if len(months) > MAX_MONTH_BARS:
        period = "year"
        counts = Counter(p["first_published"][:4] for p in projects if p["first_published"])
    return period, [Bar(k, counts[k], str(counts[k])) for k in sorted(counts)]


def capacity_by_family(projects: Sequence[Mapping[str, Any]]) -> dict[str, list[Bar]]:
    """unit -> total capacity per product family in that unit, for the most frequent
    units (quantities in different units are not added up)."""
    total: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    items: Counter[str] = Counter()
    for p in projects:
        for c in p["capacity_items"]:
            unit = str(c.get("unit") or "")
            total[unit][product_family(c.get("product"))] += float(c["value"])
            items[unit] += 1
    return {
        unit: [
            Bar(f, v, format_number(v))
            for f, v in sorted(total[unit].items(), key=lambda fv: (-fv[1], fv[0]))
        ]
        for unit, _ in items.most_common(MAX_CAPACITY_UNITS)
    }


def status_breakdown(projects: Sequence[Mapping[str, Any]]) -> list[Bar]:
    """Projects per status, in the order of a project's life; no status last."""
    counts = Counter(p["status"] or UNKNOWN for p in projects)
    return [Bar(s, counts[s], str(counts[s])) for s in (*STATUSES, UNKNOWN) if counts[s]]


def _figure(chart_id: str, caption: str, svg: str, note: str = "") -> str:
    extra = f'<p class="note">{esc(note)}</p>' if note else ""
    return (
        f'<figure class="chart-box" data-chart="{esc(chart_id)}"><figcaption>{esc(caption)}'
        f"</figcaption>{svg}{extra}</figure>"
    )


def _charts(projects: Sequence[Mapping[str, Any]]) -> str:
    money = investment_by_province(projects)
    other = sum(
        1
        for p in projects
        if p["investment"] is not None and p["investment_currency"] not in (None, "CNY")
    )
    period, dated = projects_by_period(projects)
    undated = len(projects) - int(sum(b.value for b in dated))
    figures = [
        _figure(
            "chart-investment",
            "Total investment by province",
            bar_chart(
                money,
                chart_id="chart-investment",
                title="Total investment by province",
                value_axis="total investment (亿元 = CNY 100 million)",
                category_axis="province",
            ),
            f"{other} projects with investment in another currency not included" if other else "",
        ),
        _figure(
            "chart-months",
            f"Projects by {period} of publication",
            bar_chart(
                dated,
                chart_id="chart-months",
                title=f"Projects by {period} of publication",
                value_axis="projects",
                category_axis=f"{period} first published",
                orientation="vertical",
                counts=True,
            ),
            f"{undated} projects without a publication date not shown" if undated else "",
        ),
    ]
    capacity = capacity_by_family(projects)
    svgs = "".join(
        bar_chart(
            bars,
            chart_id=f"chart-capacity-{i}",
            title=f"Capacity per year in {unit or '(no unit)'}",
            value_axis=f"capacity per year ({unit or 'no unit'})",
            category_axis="product family",
        )
        for i, (unit, bars) in enumerate(capacity.items())
    ) or bar_chart([], chart_id="chart-capacity-0", title="", value_axis="", category_axis="")
    figures.append(_figure("chart-capacity", "Capacity by product family, per unit", svgs))
    figures.append(
        _figure(
            "chart-status",
            "Projects by status",
            bar_chart(
                status_breakdown(projects),
                chart_id="chart-status",
                title="Projects by status",
                value_axis="projects",
                category_axis="status",
                counts=True,
            ),
        )
    )
    return f'<section class="charts" id="charts">{"".join(figures)}</section>'


# -- the table --------------------------------------------------------------------------
def _safe_url(url: str | None) -> str | None:
    """``url`` when it is a web address (no ``javascript:`` or other schemes)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def source_link(article: ArticleRef) -> str:
    """A link to an article: its URL when it has one, else its source path as text."""
    name = article.title or article.url or article.source
    url = _safe_url(article.url)
    where = f"{article.source} ({article.locator})" if article.locator else article.source
    if url:
        return (
            f'<a class="source" href="{esc(url)}" rel="noopener noreferrer" target="_blank" '
            f'title="{esc(url)}">{esc(name)}</a>'
        )
    title = f'<span class="title">{esc(article.title)}</span> ' if article.title else ""
    return f'{title}<span class="source path">{esc(where)}</span>'


_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (key, header, sort type)
    ("name", "project", "text"),
    ("company", "company", "text"),
    ("location", "location", "text"),
    ("province", "province", "text"),
    ("status", "status", "text"),
    ("investment", "investment (亿元)", "number"),
    ("capacity", "capacity", "text"),
    ("start_date", "start", "text"),
    ("completion_date", "completion", "text"),
    ("production_date", "production", "text"),
    ("first_published", "first published", "text"),
    ("n_articles", "articles", "number"),
)


def _cell(p: Mapping[str, Any], key: str, articles: Mapping[str, ArticleRef]) -> str:
    value = p.get(key)
    if key == "investment" and value is not None:
        currency = p["investment_currency"] or "CNY"
        shown = format_number(value / YI, 4) + ("" if currency == "CNY" else f" ×1e8 {currency}")
        sign = {"at_least": "≥ ", "at_most": "≤ ", "about": "≈ "}.get(p["investment_qualifier"], "")
        return f'<td class="num" data-key="{value!r}">{esc(sign + shown)}</td>'
    if key == "n_articles":
        links = "".join(
            f"<li>{source_link(articles[a])}</li>" for a in p["article_list"] if a in articles
        )
        return f'<td data-key="{value}"><ul class="sources">{links}</ul></td>'
    if key == "name" and p.get("aliases"):
        return (
            f'<td data-key="{esc(value)}">{esc(value)}'
            f'<div class="alias">{esc(p["aliases"])}</div></td>'
        )
    return f'<td data-key="{esc(value or "")}">{esc(value or "")}</td>'


def _table(snapshot: Snapshot) -> str:
    head = "".join(
        f'<th data-sort="{kind}" data-column="{key}" aria-sort="none" tabindex="0">'
        f"{esc(header)}</th>"
        for key, header, kind in _COLUMNS
    )
    rows = "".join(
        f'<tr data-id="{esc(p["consolidated_id"])}">'
        + "".join(_cell(p, key, snapshot.articles) for key, _, _ in _COLUMNS)
        + "</tr>"
        for p in snapshot.projects
    )
    total = len(snapshot.projects)
    return (
        '<section class="table-box"><h2>Consolidated projects</h2>'
        '<label class="filter">Filter: <input type="search" id="filter" '
        'placeholder="name, company, place, status…" autocomplete="off"></label> '
        f'<span id="shown" data-total="{total}">{total} of {total} shown</span>'
        f'<table class="projects sortable" id="projects"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _counts(counts: Mapping[str, int]) -> str:
    names = {
        "articles": "articles",
        "projects": "project mentions",
        "consolidated": "consolidated projects",
        "failures": "failures",
    }
    items = "".join(
        f'<div class="count-box" data-count="{k}"><span class="n">{counts[k]:,}</span>'
        f'<span class="what">{names[k]}</span></div>'
        for k in names
    )
    return f'<section class="counts" id="counts">{items}</section>'


def _failures(failures: Sequence[tuple[str, str, str]], total: int) -> str:
    if not failures:
        return ""
    items = "".join(
        f"<li><code>{esc(s)}{esc(f' ({loc})' if loc else '')}</code>: {esc(r)}</li>"
        for s, loc, r in failures
    )
    more = f" (first {len(failures)} listed)" if total > len(failures) else ""
    return (
        f'<details class="failures" id="failures"><summary>{total} inputs failed{more}'
        f"</summary><ul>{items}</ul></details>"
    )


def render_database_report(db_path: str | os.PathLike[str]) -> str:
    """The report of the project database at ``db_path`` as a full HTML document
    (raises :class:`xiangmu_extract.store.DatabaseError` when it is not one)."""
    snapshot = read_snapshot(db_path)
    name = os.path.basename(os.fspath(db_path))
    body = (
        f"<header><h1>Project database: {esc(name)}</h1></header>\n"
        f"{_counts(snapshot.counts)}"
        f"{_failures(snapshot.failures, snapshot.counts['failures'])}\n"
        f"{_charts(snapshot.projects)}\n{_table(snapshot)}"
    )
    return page(f"xiangmu-extract: {name}", body, kind="database")
