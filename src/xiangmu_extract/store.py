"""The project database (SQLite): versioned schema, one transaction per chunk of articles,
and consolidation kept up to date as articles arrive.

A chunk is written in one transaction, so a process killed at any moment leaves whole
articles or none; a re-run skips the articles already there (by content hash) and ends
with the database an uninterrupted run gives.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from xiangmu_extract.consolidate import Mention, Profile, choose, same_project
from xiangmu_extract.rows import ArticleRows

SCHEMA_VERSION = 1
_FACT_COLUMNS = ("value_num", "value_text", "unit", "qualifier", "product")
Status = Literal["extracted", "skipped", "failed"]


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


def _insert(table: str, columns: Sequence[str], verb: str = "INSERT") -> str:
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    return f"{verb} INTO {table} ({names}) VALUES ({values})"


class Store:
    """A project database opened for reading and writing."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
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
        self._columns = {
            table: [r[1] for r in self.db.execute(f"PRAGMA table_info({table})")]
            for table in ("articles", "projects", "facts")
        }

    # -- reading ------------------------------------------------------------------
    def has_article(self, digest: str) -> bool:
        row = self.db.execute("SELECT 1 FROM articles WHERE content_hash = ?", (digest,))
        return row.fetchone() is not None

    # -- writing ------------------------------------------------------------------
    def write(self, outcomes: Sequence[Outcome]) -> list[Status]:
        """Write one chunk in one transaction; the status of each outcome, in order."""
        statuses: list[Status] = []
        new_projects: list[str] = []
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for o in outcomes:
                statuses.append(self._write_one(o, new_projects))
            self._consolidate(new_projects)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return statuses

    def _write_one(self, o: Outcome, new_projects: list[str]) -> Status:
        key = {"source": o.source, "locator": o.locator}
        if o.failure is not None:
            self.db.execute(
                "INSERT OR REPLACE INTO failures VALUES (:source, :locator, :reason)",
                {**key, "reason": o.failure},
            )
            return "failed"
        self.db.execute("DELETE FROM failures WHERE source = :source AND locator = :locator", key)
        status: Status = "skipped"
        rows = o.rows
        if rows is not None and not self.has_article(rows.article["content_hash"]):
            self.db.execute(_insert("articles", self._columns["articles"]), rows.article)
            self.db.executemany(_insert("projects", self._columns["projects"]), rows.projects)
            self.db.executemany(_insert("facts", self._columns["facts"]), rows.facts)
            self.db.executemany("INSERT INTO project_keys VALUES (?, ?)", rows.keys)
            new_projects.extend(p["id"] for p in rows.projects)
            status = "extracted"
        if o.digest is not None:
            self.db.execute(
                "INSERT OR REPLACE INTO article_sources "
                "SELECT :source, :locator, id FROM articles WHERE content_hash = :digest",
                {**key, "digest": o.digest},
            )
        return status

    # -- consolidation ------------------------------------------------------------
    _PROFILE = (
        "p.id, p.article_id, p.match_name, p.match_phase, p.match_company, "
        "coalesce(p.location, ''), p.match_investment, p.consolidated_id"
    )

    def _consolidate(self, new_projects: Sequence[str]) -> None:
        """Join each new mention to the groups of the mentions it matches; the groups that
        changed are marked for :meth:`refresh` (once per run, not once per chunk)."""
        touched: set[str] = set()
        for pid in new_projects:
            me = self.db.execute(
                f"SELECT {self._PROFILE} FROM projects p WHERE p.id = ?", (pid,)
            ).fetchone()
            profile, group = Profile(*me[:7]), me[7]
            touched.add(group)
            candidates = self.db.execute(
                f"SELECT DISTINCT {self._PROFILE} FROM project_keys a "
                "JOIN project_keys b ON a.key = b.key JOIN projects p ON p.id = b.project_id "
                "WHERE a.project_id = ? AND b.project_id != ? ORDER BY p.id",
                (pid, pid),
            ).fetchall()
            for other in candidates:
                if other[7] != group and same_project(profile, Profile(*other[:7])):
                    group = self._merge(group, self._group(other[0]))
                    touched.add(group)
        self.db.executemany("INSERT OR IGNORE INTO stale VALUES (?)", ((g,) for g in touched))

    def _group(self, project_id: str) -> str:
        row = self.db.execute("SELECT consolidated_id FROM projects WHERE id = ?", (project_id,))
        return str(row.fetchone()[0])

    def refresh(self, batch: int = 500) -> int:
        """Rebuild the consolidated rows of the groups that changed; returns how many.

        Each transaction rebuilds a batch of groups and clears their marks, so a run killed
        here leaves the rest marked for the next run."""
        done = 0
        while True:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                groups = [r[0] for r in self.db.execute("SELECT id FROM stale LIMIT ?", (batch,))]
                for gid in groups:
                    self._rebuild(gid)
                self.db.executemany("DELETE FROM stale WHERE id = ?", ((g,) for g in groups))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            done += len(groups)
            if len(groups) < batch:
                return done

    def _merge(self, a: str, b: str) -> str:
        keep, gone = min(a, b), max(a, b)
        if keep != gone:
            self.db.execute(
                "UPDATE projects SET consolidated_id = ? WHERE consolidated_id = ?", (keep, gone)
            )
            self.db.execute("DELETE FROM consolidated WHERE id = ?", (gone,))
        return keep

    def _mentions(self, gid: str) -> list[Mention]:
        rows = self.db.execute(
            "SELECT p.id, p.article_id, a.publish_date, p.name, p.aliases, p.company, "
            "p.location, p.status FROM projects p JOIN articles a ON a.id = p.article_id "
            "WHERE p.consolidated_id = ? ORDER BY p.id",
            (gid,),
        ).fetchall()
        facts: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for f in self.db.execute(
            "SELECT f.project_id, f.field, f.value_num, f.value_text, f.unit, f.qualifier, "
            "f.product FROM facts f JOIN projects p ON p.id = f.project_id "
            "WHERE p.consolidated_id = ? ORDER BY f.project_id, f.seq",
            (gid,),
        ):
            values = dict(zip(_FACT_COLUMNS, f[2:], strict=True))
            facts.setdefault(f[0], {}).setdefault(f[1], []).append(values)
        mentions = []
        for r in rows:
            mentions.append(
                Mention(
                    id=r[0],
                    article_id=r[1],
                    publish_date=r[2],
                    name=r[3],
                    aliases=tuple(json.loads(r[4])),
                    company=r[5],
                    location=r[6],
                    status=r[7],
                    facts=facts.get(r[0], {}),
                )
            )
        return mentions

    def _rebuild(self, gid: str) -> None:
        mentions = self._mentions(gid)
        if not mentions:  # merged away
            self.db.execute("DELETE FROM consolidated WHERE id = ?", (gid,))
            return
        row = choose(mentions)
        for key in ("aliases", "capacity", "article_ids", "chosen_from"):
            row[key] = json.dumps(row[key], ensure_ascii=False, sort_keys=True)
        row["id"] = gid
        columns = list(row)
        self.db.execute(_insert("consolidated", columns, "INSERT OR REPLACE"), row)


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
