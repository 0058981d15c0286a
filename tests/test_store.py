"""The store's consolidation as articles arrive: the groups of mentions do not depend on how
the articles are cut into transactions, on what a store remembers between transactions, or
on another connection writing in between."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from db_samples import dump
from xiangmu_extract import store as store_module
from xiangmu_extract.models import Document, Project
from xiangmu_extract.rows import (
    ARTICLE_COLUMNS,
    FACT_COLUMNS,
    PROJECT_COLUMNS,
    ArticleRows,
    article_rows,
    content_hash,
)
from xiangmu_extract.store import Outcome, Store

NAME = "星河锂电池生产线项目"


def outcome(article: str, *projects: Project) -> Outcome:
    """An article reporting ``projects``; its text is its name."""
    digest = content_hash(article, None)
    doc = Document(doc_id=article, projects=list(projects))
    rows = article_rows(
        doc,
        digest=digest,
        text=article,
        source=f"{article}.txt",
        locator="",
        url=None,
        text_basis="input",
    )
    return Outcome(f"{article}.txt", "", len(article), digest, rows)


# The same name in Hangzhou, then twice in Ningbo: the Ningbo mentions are one project, the
# Hangzhou one another (incompatible places); a mention without a place then joins them all.
HANGZHOU = outcome("a1", Project(name=NAME, location="杭州"))
NINGBO = outcome("a2", Project(name=NAME, location="宁波"))
NINGBO_AGAIN = outcome("a3", Project(name=NAME, location="宁波"), Project(name="另一个产业园项目"))
NOWHERE = outcome("a4", Project(name=NAME))

Write = Callable[[Path, list[Outcome]], None]


def in_one_transaction(db: Path, outcomes: list[Outcome]) -> None:
    with Store(db) as store:
        store.write(outcomes)
        store.refresh()


def one_by_one(db: Path, outcomes: list[Outcome]) -> None:
    with Store(db) as store:
        for o in outcomes:
            store.write([o])
        store.refresh()


def by_two_connections(db: Path, outcomes: list[Outcome]) -> None:
    """Every other article written by a second store on the same database."""
    with Store(db) as first, Store(db) as second:
        for i, o in enumerate(outcomes):
            (second if i % 2 else first).write([o])
        first.refresh()


def remembering_one_key(db: Path, outcomes: list[Outcome]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "KEY_CACHE", 1)
        one_by_one(db, outcomes)


def refreshing_after_each(db: Path, outcomes: list[Outcome]) -> None:
    """Consolidated rows written after each article: a later merge deletes the row of the
    group merged away."""
    with Store(db) as store:
        for o in outcomes:
            store.write([o])
            store.refresh()


def forgetting_renames(db: Path, outcomes: list[Outcome]) -> None:
    """The store forgets what it remembers of the groups before every transaction."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "RENAME_CACHE", 0)
        one_by_one(db, outcomes)


def groups(db: Path) -> list[list[str]]:
    """The articles of the mentions of each group, by name."""
    names = {content_hash(name, None)[:20]: name for name in ("a1", "a2", "a3", "a4")}
    con = sqlite3.connect(db)
    members: dict[str, list[str]] = {}
    for group, article in con.execute("SELECT consolidated_id, article_id FROM projects"):
        members.setdefault(group, []).append(names[article])
    con.close()
    return sorted(sorted(articles) for articles in members.values())


WAYS: list[Write] = [
    in_one_transaction,
    one_by_one,
    by_two_connections,
    remembering_one_key,
    refreshing_after_each,
    forgetting_renames,
]


@pytest.mark.parametrize("write", WAYS, ids=lambda w: w.__name__)
@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([HANGZHOU, NINGBO, NINGBO_AGAIN], [["a1"], ["a2", "a3"], ["a3"]]),
        ([NINGBO_AGAIN, HANGZHOU, NINGBO], [["a1"], ["a2", "a3"], ["a3"]]),
        ([HANGZHOU, NINGBO, NINGBO_AGAIN, NOWHERE], [["a1", "a2", "a3", "a4"], ["a3"]]),
        # the group of a1 and a4 is remembered by a1 (the smaller id), which is not a2's
        # project (Hangzhou, Ningbo): a4 is, and a2 joins them
        ([HANGZHOU, NOWHERE, NINGBO], [["a1", "a2", "a4"]]),
        ([NOWHERE, NINGBO, HANGZHOU], [["a1", "a2", "a4"]]),
    ],
)
def test_groups_do_not_depend_on_how_articles_are_written(
    tmp_path: Path, write: Write, outcomes: list[Outcome], expected: list[list[str]]
) -> None:
    db, reference = tmp_path / "p.sqlite", tmp_path / "reference.sqlite"
    write(db, outcomes)
    assert groups(db) == expected
    in_one_transaction(reference, outcomes)
    assert dump(db) == dump(reference)


def test_the_values_of_the_rows_are_in_the_order_of_the_tables_columns(tmp_path: Path) -> None:
    with Store(tmp_path / "p.sqlite") as store:
        for table, columns in (
            ("articles", ARTICLE_COLUMNS),
            ("projects", PROJECT_COLUMNS),
            ("facts", FACT_COLUMNS),
        ):
            info = store.db.execute(f"PRAGMA table_info({table})")
            assert tuple(r[1] for r in info) == columns, table
    rows = NINGBO_AGAIN.rows
    assert rows is not None and len(rows.projects) == 2
    again = ArticleRows.from_dicts(
        rows.article_dict(), rows.project_dicts(), rows.fact_dicts(), rows.keys
    )
    assert again == rows
    assert [p["location"] for p in rows.project_dicts()] == ["宁波", None]
