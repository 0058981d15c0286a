"""The project database (SQLite): versioned schema, one transaction per chunk of articles,
and consolidation kept up to date as articles arrive.

A chunk is written in one transaction, so a process killed at any moment leaves whole
articles or none; a re-run skips the articles already there (by content hash) and ends
with the database an uninterrupted run gives.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from xiangmu_extract.consolidate import Mention, Profile, choose, same_project
from xiangmu_extract.group_cache import GroupCache
from xiangmu_extract.models import AREA_FIELDS, DATE_FIELDS, MONEY_FIELDS
from xiangmu_extract.rows import (
    ARTICLE_COLUMNS,
    FACT_COLUMNS,
    PROJECT_COLUMNS,
    ArticleRows,
    Row,
    Values,
)

SCHEMA_VERSION = 1
KEY_CACHE = 20_000  # blocking keys whose groups a store remembers, at most (~15 MB)
RENAME_CACHE = 50_000  # renamed groups a store remembers, then it forgets all (~10 MB)
# the facts consolidate.choose reads (names, companies and places it reads from the mention)
_CHOSEN_FACTS = (*MONEY_FIELDS, *AREA_FIELDS, *DATE_FIELDS, "capacity")
# the project columns of a consolidate.Profile, in its order
_PROFILE_FROM = (
    *("id", "article_id", "match_name", "match_phase", "match_company", "location"),
    "match_investment",
)
# the same, selected from projects p (a place unknown is "", as in _profile)
_PROFILE_COLUMNS = ", ".join(
    "coalesce(p.location, '')" if c == "location" else f"p.{c}" for c in _PROFILE_FROM
)
Status = Literal["extracted", "skipped", "failed"]
Rebuild = Callable[[Sequence[str]], list[Row | None]]  # see Store.refresh


class DatabaseError(Exception):
    """The file is not a project database this version can use."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one input: rows to write, a skip, or a failure."""

    source: str
    locator: str
    size: int = 0
    digest: str | None = None  # content hash, when the article was read
    rows: ArticleRows | None = None  # None: already in the database, or failed
    failure: str | None = None


def _marks(count: int) -> str:
    """``count`` SQL parameters: "?, ?, ?"."""
    return ", ".join("?" * count)


def _insert(table: str, columns: Sequence[str], verb: str = "INSERT") -> str:
    """The statement inserting a row's values, in the order of ``columns`` (bound by
    position: by name, the sqlite3 module looks each parameter up in a dict, a third more
    per row)."""
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns))})"


_INSERT_ARTICLE = _insert("articles", ARTICLE_COLUMNS)
_INSERT_PROJECT = _insert("projects", PROJECT_COLUMNS)
_INSERT_FACT = _insert("facts", FACT_COLUMNS)
# where a project's values hold what _profile reads, and an article's its content hash
_PROFILE_AT = [PROJECT_COLUMNS.index(c) for c in _PROFILE_FROM]
_CONTENT_HASH_AT = ARTICLE_COLUMNS.index("content_hash")


class Store:
    """A project database opened for reading and writing."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # the groups of the blocking keys, remembered between transactions (_groups_with)
        self._cache = GroupCache(KEY_CACHE, RENAME_CACHE)
        self._data_version: int | None = None  # PRAGMA data_version when last read
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._prepare()
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(f"{self.path}: not a project database ({exc})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version == 0 and tables == 0:
            schema = resources.files("xiangmu_extract").joinpath("schema.sql").read_text("utf-8")
            from xiangmu_extract import __version__

            self.db.executescript(
                f"BEGIN; {schema}"
                f"INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');"
                f"INSERT INTO meta VALUES ('created_by', 'xiangmu-extract {__version__}');"
                f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            )
        elif version != SCHEMA_VERSION:
            raise DatabaseError(
                f"{self.path}: schema version {version}, this xiangmu-extract reads version "
                f"{SCHEMA_VERSION}"
            )

    # -- reading ------------------------------------------------------------------
    def has_article(self, digest: str) -> bool:
        row = self.db.execute("SELECT 1 FROM articles WHERE content_hash = ?", (digest,))
        return row.fetchone() is not None

    # -- writing ------------------------------------------------------------------
    def write(self, outcomes: Sequence[Outcome]) -> list[Status]:
        """Write one chunk in one transaction; the status of each outcome, in order."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._forget_if_changed_elsewhere()
            statuses, new = self._statuses(outcomes)
            mentions = {m.id: m for m in (_profile(p) for r in new for p in r.projects)}
            self._write_failures(outcomes)
            self._write_articles(new, mentions)
            self.db.executemany(
                "INSERT OR REPLACE INTO article_sources "
                "SELECT ?, ?, id FROM articles WHERE content_hash = ?",
                [
                    (o.source, o.locator, o.digest)
                    for o in outcomes
                    if o.failure is None and o.digest is not None
                ],
            )
            self._consolidate(new, mentions)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            self._cache.clear()
            raise
        return statuses

    def _statuses(self, outcomes: Sequence[Outcome]) -> tuple[list[Status], list[ArticleRows]]:
        """The status of each outcome, and the rows of the articles new to the database (an
        article read twice is new the first time only)."""
        statuses: list[Status] = []
        new: dict[str, ArticleRows] = {}
        for o in outcomes:
            status: Status = "failed" if o.failure is not None else "skipped"
            if o.failure is None and o.rows is not None:
                digest = o.rows.article[_CONTENT_HASH_AT]
                if digest not in new and not self.has_article(digest):
                    new[digest], status = o.rows, "extracted"
            statuses.append(status)
        return statuses, list(new.values())

    def _write_failures(self, outcomes: Sequence[Outcome]) -> None:
        """Record the inputs that failed; forget the earlier failures of the inputs read now
        (the last outcome of an input decides, as if they were written one by one)."""
        last = {(o.source, o.locator): o.failure for o in outcomes}
        failed = [(*key, reason) for key, reason in last.items() if reason is not None]
        read = [key for key, reason in last.items() if reason is None]
        self.db.executemany("INSERT OR REPLACE INTO failures VALUES (?, ?, ?)", failed)
        self.db.executemany("DELETE FROM failures WHERE source = ? AND locator = ?", read)

    def _write_articles(self, new: Sequence[ArticleRows], mentions: dict[str, Profile]) -> None:
        """The rows of the new articles: one statement per table for the whole chunk."""
        self.db.executemany(_INSERT_ARTICLE, [r.article for r in new])
        self.db.executemany(_INSERT_PROJECT, [project for r in new for project in r.projects])
        self.db.executemany(_INSERT_FACT, [fact for r in new for fact in r.facts])
        keys = [key for r in new for key in r.keys]
        self.db.executemany("INSERT INTO project_keys VALUES (?, ?)", keys)
        for key, project_id in keys:
            self._cache.add(key, mentions[project_id])

    # -- consolidation ------------------------------------------------------------
    def _consolidate(self, new: Sequence[ArticleRows], mentions: dict[str, Profile]) -> None:
        """Join each new mention to the groups of the mentions it matches; the groups that
        changed are marked for :meth:`refresh` (once per run, not once per chunk)."""
        touched: set[str] = set()
        for rows in new:
            keys_of: dict[str, list[str]] = {}
            for key, project_id in rows.keys:
                keys_of.setdefault(project_id, []).append(key)
            for project in rows.projects:
                me = mentions[project[0]]
                self._join_matching(me, keys_of.get(me.id, []), touched, mentions)
        self.db.executemany("INSERT OR IGNORE INTO stale VALUES (?)", ((g,) for g in touched))

    def _join_matching(
        self, me: Profile, keys: Sequence[str], touched: set[str], new: dict[str, Profile]
    ) -> None:
        """Merge the group of ``me`` with every other group holding a mention that shares a
        blocking key with it and :func:`same_project` matches; ``touched`` gets the groups
        that changed and loses the groups merged away; ``new``: the mentions written in this
        transaction."""
        group = self._cache.group(me.id)  # me is new: its group was named after it
        touched.add(group)
        others: dict[str, list[Profile]] = {}  # other group -> the mentions remembered of it
        for key in keys:
            for other, holder in self._groups_with(key).items():
                if other != group:
                    others.setdefault(other, []).append(holder)
        for other in sorted(others):
            # a remembered mention that matches will do; else the group's members that share
            # a key, until the first that matches (the rest of the group is not read)
            if any(same_project(me, h) for h in others[other]) or self._a_member_matches(
                me, keys, other
            ):
                group = self._merge(group, other, touched, new)

    def _a_member_matches(self, me: Profile, keys: Sequence[str], group: str) -> bool:
        """Whether a mention of ``group`` from another article that has one of ``keys`` is
        the same project as ``me``."""
        members = self.db.execute(
            f"SELECT {_PROFILE_COLUMNS} FROM project_keys k "
            "JOIN projects p ON p.id = k.project_id "
            f"WHERE k.key IN ({_marks(len(keys))}) AND p.article_id != ? "
            "AND p.consolidated_id = ?",
            (*keys, me.article_id, group),
        )
        found = any(same_project(me, Profile(*member)) for member in members)
        members.close()
        return found

    def _groups_with(self, key: str) -> dict[str, Profile]:
        """The groups holding a mention with blocking key ``key``, and a mention of each.

        The first time, read from every such mention; then from the mentions remembered
        (:class:`GroupCache`): one per group found, and the mentions written since. Groups
        only ever merge, so every group holding the key still holds one of them, however
        many mentions share the key."""
        found = self._cache.holders(key)
        if found is None:
            # the other columns come from the row of min(p.id) (SQLite's bare columns)
            rows = self.db.execute(
                f"SELECT min(p.id), {_PROFILE_COLUMNS.removeprefix('p.id, ')}, "
                "p.consolidated_id FROM project_keys k "
                "JOIN projects p ON p.id = k.project_id WHERE k.key = ? "
                "GROUP BY p.consolidated_id",
                (key,),
            )
            found = {row[-1]: Profile(*row[:-1]) for row in rows}
            self._cache.remember(key, found)
        return found

    def _forget_if_changed_elsewhere(self) -> None:
        """Forget the groups remembered when another connection wrote to the database."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:
            self._cache.clear()
            self._data_version = version
        self._cache.clear_if_full()

    def refresh(self, batch: int = 500, rebuild: Rebuild | None = None) -> int:
        """Rebuild the consolidated rows of the groups that changed; returns how many.

        ``rebuild`` reads the rows of a batch of groups (default: :func:`consolidated_rows`
        through this connection; another process may read them, they are written here).
        Each transaction rebuilds a batch of groups and clears their marks, so a run killed
        here leaves the rest marked for the next run."""
        rebuild = rebuild or functools.partial(consolidated_rows, self.db)
        done = 0
        while True:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                groups = [r[0] for r in self.db.execute("SELECT id FROM stale LIMIT ?", (batch,))]
                for gid, row in zip(groups, rebuild(groups), strict=True):
                    self._write_consolidated(gid, row)
                self.db.executemany("DELETE FROM stale WHERE id = ?", ((g,) for g in groups))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            done += len(groups)
            if len(groups) < batch:
                return done

    def _write_consolidated(self, gid: str, row: Row | None) -> None:
        if row is None:  # merged away
            self.db.execute("DELETE FROM consolidated WHERE id = ?", (gid,))
        else:
            self.db.execute(
                _insert("consolidated", list(row), "INSERT OR REPLACE"), tuple(row.values())
            )

    def _merge(self, a: str, b: str, touched: set[str], new: dict[str, Profile]) -> str:
        """Merge groups ``a`` and ``b`` under the smaller id; the id kept. A group named
        after a mention written in this transaction has no consolidated row to delete."""
        keep, gone = min(a, b), max(a, b)
        self.db.execute(
            "UPDATE projects SET consolidated_id = ? WHERE consolidated_id = ?", (keep, gone)
        )
        if gone not in new:
            self.db.execute("DELETE FROM consolidated WHERE id = ?", (gone,))
        self._cache.renamed(gone, keep)
        touched.discard(gone)  # no mention is left in it: nothing to rebuild
        touched.add(keep)
        return keep


def consolidated_rows(db: sqlite3.Connection, groups: Sequence[str]) -> list[Row | None]:
    """The consolidated row of each group of mentions, read through ``db`` (None: the group
    was merged away)."""
    rows: list[Row | None] = []
    for gid in groups:
        mentions = _mentions(db, gid)
        row = choose(mentions) if mentions else None
        if row is not None:
            for key in ("aliases", "capacity", "article_ids", "chosen_from"):
                row[key] = json.dumps(row[key], ensure_ascii=False, sort_keys=True)
            row["id"] = gid
        rows.append(row)
    return rows


def _mentions(db: sqlite3.Connection, gid: str) -> list[Mention]:
    rows = db.execute(
        "SELECT p.id, p.article_id, a.publish_date, p.name, p.aliases, p.company, "
        "p.location, p.status FROM projects p JOIN articles a ON a.id = p.article_id "
        "WHERE p.consolidated_id = ? ORDER BY p.id",
        (gid,),
    ).fetchall()
    if not rows:  # merged away
        return []
    facts: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for f in db.execute(
        "SELECT f.project_id, f.field, f.value_num, f.value_text, f.unit, f.qualifier, "
        "f.product FROM facts f JOIN projects p ON p.id = f.project_id "
        f"WHERE p.consolidated_id = ? AND f.field IN ({_marks(len(_CHOSEN_FACTS))}) "
        "ORDER BY f.project_id, f.seq",
        (gid, *_CHOSEN_FACTS),
    ):
        values = {
            "value_num": f[2],
            "value_text": f[3],
            "unit": f[4],
            "qualifier": f[5],
            "product": f[6],
        }
        facts.setdefault(f[0], {}).setdefault(f[1], []).append(values)
    return [
        Mention(
            id=r[0],
            article_id=r[1],
            publish_date=r[2],
            name=r[3],
            aliases=() if r[4] == "[]" else tuple(json.loads(r[4])),
            company=r[5],
            location=r[6],
            status=r[7],
            facts=facts.get(r[0], {}),
        )
        for r in rows
    ]


def _profile(project: Values) -> Profile:
    """What :func:`same_project` compares of a project's values."""
    pid, aid, name, phase, company, location, investment = (project[i] for i in _PROFILE_AT)
    return Profile(pid, aid, name, phase, company, location or "", investment)


_TABLES = frozenset({"meta", "articles", "projects", "facts", "consolidated"})


def connect_readonly(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """The project database at ``path``, opened read-only, in one read transaction (a
    consistent snapshot even while a batch writes to it). Raises :class:`DatabaseError`
    naming ``path`` when it is not a project database of this schema version."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(f"{path}: no such database file")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    db.row_factory = sqlite3.Row
    try:
        db.execute("BEGIN")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        db.close()
        raise DatabaseError(f"{path}: not a project database ({exc})") from None
    problem = None
    if not tables >= _TABLES:
        problem = "not a project database (no xiangmu-extract tables)"
    elif version != SCHEMA_VERSION:
        problem = f"schema version {version}, this xiangmu-extract reads version {SCHEMA_VERSION}"
    if problem:
        db.close()
        raise DatabaseError(f"{path}: {problem}")
    return db
