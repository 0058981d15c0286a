"""DataFrames of projects (from records and from a project database) and the export writers:
columns and dtypes, row counts against the database, round trips through every format."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from xiangmu_extract import pipeline, rows
from xiangmu_extract.export import (
    EXPORT_FORMATS,
    export_database,
    format_from_path,
    json_lines,
    write_frame,
)
from xiangmu_extract.frames import (
    CONSOLIDATED_COLUMNS,
    PROJECT_COLUMNS,
    RECORD_COLUMNS,
    capacity_string,
    read_database,
    to_dataframe,
)
from xiangmu_extract.models import Area, DateValue, Document, Money, Project, Quantity
from xiangmu_extract.store import DatabaseError, Outcome, Store

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
JINKO = ("001_a608d7819f00ea86.txt", "002_2c39f0067748cac1.txt")  # 晶科's Haining plant, twice
ARTICLES = (*JINKO, "d05.txt")
PROJECT_NAMES = [name for name, _ in PROJECT_COLUMNS]

# A hand-made article with every field filled, and values that trip writers up: a title
# that reads as an Excel formula, a USD amount, fractional and large capacities.
CRAFTED_TEXT = (
    "=SUM(1,2) 项目快讯\n"
    "星河新材料有限公司投资逾30亿元在临港新区建设年产12.6GWh锂电池和20.87万吨正极材料项目,"
    "预计年产值50亿元,年纳税1200万美元。项目占地125.3亩,建筑面积20.6万平方米,"
    "去年6月开工,2024年底竣工,明年上半年投产。"
)


EMPTY_TEXT = "今天天气晴朗,适合出游。"


def _span(part: str) -> tuple[int, int]:
    start = CRAFTED_TEXT.index(part)
    return start, start + len(part)


def ev(part: str) -> dict[str, Any]:
    """The evidence of a value: its text and span in the crafted article."""
    return {"text": part, "span": _span(part)}


def crafted_document() -> Document:

    project = Project(
        name="年产12.6GWh锂电池和20.87万吨正极材料项目",
        aliases=["星河锂电项目", "星河新材料项目"],
        company="星河新材料有限公司",
        location="临港新区",
        investment=Money(value=3e9, qualifier="at_least", **ev("逾30亿元")),
        output_value=Money(value=5e9, **ev("50亿元")),
        tax=Money(value=1.2e7, currency="USD", **ev("1200万美元")),
        capacity=[
            Quantity(value=12.6, unit="GWh", product="锂电池", **ev("年产12.6GWh锂电池")),
            Quantity(value=208700, unit="吨", product="正极材料", **ev("20.87万吨正极材料")),
        ],
        land_area=Area(value=125.3, unit="亩", **ev("125.3亩")),
        floor_area=Area(value=206000, unit="平方米", **ev("20.6万平方米")),
        start_date=DateValue(value="2023-06", **ev("去年6月")),
        completion_date=DateValue(value="2024-12", **ev("2024年底")),
        production_date=DateValue(value="2025-H1", **ev("明年上半年")),
        status="under_construction",
        name_span=_span("年产12.6GWh锂电池和20.87万吨正极材料项目"),
        company_span=_span("星河新材料有限公司"),
        location_span=_span("临港新区"),
    )
    return Document(
        doc_id="crafted",
        source="crafted.txt",
        title="=SUM(1,2) 项目快讯",
        publish_date="2024-03-01",
        media="星河日报",
        projects=[project],
    )


def article_outcome(doc: Document, text: str) -> Outcome:
    digest = rows.content_hash(text, None)
    assert doc.source is not None
    article = rows.article_rows(
        doc, digest=digest, text=text, source=doc.source, locator="", url=None, text_basis="input"
    )
    return Outcome(doc.source, "", len(text), digest, article)


@pytest.fixture(scope="module")
def articles() -> list[tuple[Document, str]]:
    """Three real articles, the crafted one, and an article without projects: (record, text)."""
    out = []
    for name in ARTICLES:
        text = (RAW / name).read_text(encoding="utf-8")
        out.append((pipeline.extract(text, doc_id=Path(name).stem, source=str(RAW / name)), text))
    out.append((crafted_document(), CRAFTED_TEXT))
    out.append((pipeline.extract(EMPTY_TEXT, doc_id="empty", source="empty.txt"), EMPTY_TEXT))
    assert not out[-1][0].projects
    return out


@pytest.fixture(scope="module")
def docs(articles: list[tuple[Document, str]]) -> list[Document]:
    return [doc for doc, _ in articles]


@pytest.fixture(scope="module")
def database(
    articles: list[tuple[Document, str]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp("db") / "projects.sqlite"
    with Store(path) as store:
        store.write([article_outcome(doc, text) for doc, text in articles])
        store.refresh()
    return path


def table_count(database: Path, table: str) -> int:
    db = sqlite3.connect(database)
    try:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        db.close()


# -- to_dataframe --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("column", "dtype"),
    [
        ("doc_id", "str"),
        ("publish_date", "str"),
        ("name", "str"),
        ("aliases", "str"),
        ("status", "str"),
        ("investment", "float64"),
        ("investment_currency", "str"),
        ("output_value", "float64"),
        ("tax", "float64"),
        ("capacity", "str"),
        ("land_area", "float64"),
        ("floor_area_unit", "str"),
        ("start_date", "str"),
        ("production_date_text", "str"),
    ],
)
@pytest.mark.parametrize("empty", [False, True], ids=["records", "no-records"])
def test_record_frame_dtypes_are_stable(
    docs: list[Document], column: str, dtype: str, empty: bool
) -> None:
    frame = to_dataframe([] if empty else docs)
    assert frame[column].dtype == dtype


def test_record_frame_columns_and_rows(docs: list[Document]) -> None:
    frame = to_dataframe(docs)
    assert list(frame.columns) == [name for name, _ in RECORD_COLUMNS]
    assert list(frame.columns[:5]) == ["doc_id", "source", "title", "publish_date", "media"]
    assert len(frame) == sum(len(d.projects) for d in docs) > 5
    assert list(to_dataframe([]).columns) == list(frame.columns)
    assert to_dataframe([]).empty


def test_documents_dicts_and_one_document_give_the_same_frame(docs: list[Document]) -> None:
    frame = to_dataframe(docs)
    pd.testing.assert_frame_equal(to_dataframe(d.model_dump(mode="json") for d in docs), frame)
    pd.testing.assert_frame_equal(to_dataframe(d.model_dump() for d in docs), frame)
    one = to_dataframe(docs[0])
    pd.testing.assert_frame_equal(one, frame[frame["doc_id"] == docs[0].doc_id])


def test_something_else_than_records_is_refused() -> None:
    with pytest.raises(TypeError, match="Document objects or their dicts, not str"):
        to_dataframe(["crafted.txt"])  # type: ignore[list-item]


NAN = float("nan")


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("doc_id", "crafted"),
        ("title", "=SUM(1,2) 项目快讯"),
        ("media", "星河日报"),
        ("name", "年产12.6GWh锂电池和20.87万吨正极材料项目"),
        ("aliases", "星河锂电项目; 星河新材料项目"),
        ("company", "星河新材料有限公司"),
        ("location", "临港新区"),
        ("status", "under_construction"),
        ("investment", 3e9),
        ("investment_currency", "CNY"),
        ("investment_qualifier", "at_least"),
        ("investment_text", "逾30亿元"),
        ("output_value", 5e9),
        ("output_value_qualifier", "exact"),
        ("tax", 1.2e7),
        ("tax_currency", "USD"),
        ("tax_text", "1200万美元"),
        ("capacity", "12.6 GWh 锂电池; 208700 吨 正极材料"),
        ("capacity_text", "年产12.6GWh锂电池; 20.87万吨正极材料"),
        ("land_area", 125.3),
        ("land_area_unit", "亩"),
        ("land_area_text", "125.3亩"),
        ("floor_area", 206000.0),
        ("floor_area_unit", "平方米"),
        ("start_date", "2023-06"),
        ("start_date_text", "去年6月"),
        ("completion_date", "2024-12"),
        ("production_date", "2025-H1"),
        ("production_date_text", "明年上半年"),
    ],
)
def test_record_frame_values(column: str, expected: Any) -> None:
    frame = to_dataframe([crafted_document()])
    assert frame.loc[0, column] == expected


@pytest.mark.parametrize(
    "column",
    [
        "aliases",
        "company",
        "investment",
        "investment_text",
        "capacity",
        "capacity_text",
        "land_area",
        "start_date",
        "media",
    ],
)
def test_missing_values_are_nan_not_empty(column: str) -> None:
    frame = to_dataframe([{"doc_id": "x", "projects": [{"name": "某某项目", "aliases": []}]}])
    assert pd.isna(frame.loc[0, column])


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (
            [(20, "GW", "高效电池"), (21, "GW", "高效电池组件")],
            "20 GW 高效电池; 21 GW 高效电池组件",
        ),
        ([(12.6, "GWh", "锂离子动力电池")], "12.6 GWh 锂离子动力电池"),
        ([(208700.0, "吨", "面条类产品")], "208700 吨 面条类产品"),  # never 2.087e+05
        ([(2000000, "头", "生猪")], "2000000 头 生猪"),
        ([(0.35, "万吨", None)], "0.35 万吨"),
        ([(150, "台", "")], "150 台"),
        ([], None),
    ],
)
def test_capacity_string(items: list[tuple[float, str, str | None]], expected: str | None) -> None:
    got = capacity_string({"value": v, "unit": u, "product": p} for v, u, p in items)
    assert got == expected


# -- read_database -------------------------------------------------------------------------
@pytest.mark.parametrize(("mentions", "table"), [(False, "consolidated"), (True, "projects")])
def test_one_row_per_database_row_sorted(database: Path, mentions: bool, table: str) -> None:
    frame = read_database(database, mentions=mentions)
    key = "mention_id" if mentions else "consolidated_id"
    assert len(frame) == table_count(database, table) > 5
    assert frame[key].is_unique
    if not mentions:
        assert list(frame[key]) == sorted(frame[key])
    else:
        order = frame["mention_id"].str.split("#").map(lambda p: (p[0], int(p[1])))
        assert list(order) == sorted(order)


def test_consolidated_columns_and_dtypes(database: Path) -> None:
    frame = read_database(database)
    assert list(frame.columns) == [name for name, _ in CONSOLIDATED_COLUMNS]
    assert (frame["n_articles"].dtype, frame["n_mentions"].dtype) == ("int64", "int64")
    assert {str(t) for t in frame.dtypes} == {"str", "float64", "int64"}


def test_jinko_is_one_project_read_in_two_articles(database: Path) -> None:
    frame = read_database(database)
    row = frame[frame["capacity"] == "20 GW 高效电池; 21 GW 高效电池组件"]
    assert len(row) == 1
    assert (row["n_articles"].item(), row["n_mentions"].item()) == (2, 2)
    assert row["investment"].item() == 2.2e10
    for name in JINKO:
        assert str(RAW / name) in row["sources"].item()
    assert len(row["article_ids"].item().split("; ")) == 2


def test_mentions_have_the_project_columns_of_to_dataframe(
    docs: list[Document], database: Path
) -> None:
    """The facts pivoted back give the records' own values, column for column."""
    columns = [name for name, _ in RECORD_COLUMNS]
    mentions = read_database(database, mentions=True)
    assert mentions.columns[-len(PROJECT_NAMES) :].tolist() == PROJECT_NAMES
    got = mentions[columns].sort_values("doc_id", kind="stable").reset_index(drop=True)
    want = to_dataframe(docs).sort_values("doc_id", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_a_project_of_one_mention_shows_that_mention(database: Path) -> None:
    """Values and their texts come from the mention they were chosen from."""
    consolidated = read_database(database)
    mentions = read_database(database, mentions=True).set_index("mention_id")
    single = consolidated[consolidated["n_mentions"] == 1].set_index("consolidated_id")
    assert len(single) > 3
    same = [c for c in PROJECT_NAMES if c != "aliases"]
    pd.testing.assert_frame_equal(single[same], mentions.loc[single.index, same], check_names=False)


def test_consolidated_texts_of_the_crafted_project(database: Path) -> None:
    frame = read_database(database)
    row = frame[frame["name"].str.startswith("年产12.6GWh")].iloc[0]
    assert row["investment_text"] == "逾30亿元"
    assert row["capacity_text"] == "年产12.6GWh锂电池; 20.87万吨正极材料"
    assert row["titles"] == "=SUM(1,2) 项目快讯"
    assert row["sources"] == "crafted.txt"


def test_reading_leaves_the_database_as_it_was(database: Path) -> None:
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    read_database(database)
    read_database(database, mentions=True)
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def _text_file(tmp: Path) -> Path:
    path = tmp / "article.txt"
    path.write_text((RAW / JINKO[0]).read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _empty_file(tmp: Path) -> Path:
    path = tmp / "empty.sqlite"
    path.touch()
    return path


def _other_sqlite(tmp: Path) -> Path:
    path = tmp / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (body TEXT)")
    db.commit()
    db.close()
    return path


def _future_version(tmp: Path) -> Path:
    path = tmp / "future.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 2")
    db.close()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.sqlite", "no such database file"),
        (lambda tmp: tmp, "no such database file"),  # a directory
        (_text_file, "not a project database"),
        (_empty_file, "not a project database"),
        (_other_sqlite, "not a project database"),
        (_future_version, "schema version 2, this xiangmu-extract reads version 1"),
    ],
    ids=["missing", "directory", "text-file", "empty-file", "other-sqlite", "future-version"],
)
@pytest.mark.parametrize("mentions", [False, True])
def test_not_a_project_database(
    tmp_path: Path, make: Callable[[Path], Path], message: str, mentions: bool
) -> None:
    path = make(tmp_path)
    with pytest.raises(DatabaseError, match=message) as raised:
        read_database(path, mentions=mentions)
    assert str(path) in str(raised.value)


# -- export --------------------------------------------------------------------------------
def read_back(path: Path, fmt: str, expected: pd.DataFrame, sheet: str) -> pd.DataFrame:
    """Read an export with pandas, asking for the dtypes of ``expected`` (csv, xlsx and jsonl
    carry no dtypes; parquet does and is read as it is). Empty cells are missing; "NA" or
    "null" in a text stays text."""
    dtypes = dict(expected.dtypes)
    if fmt == "csv":
        return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    if fmt == "xlsx":
        return pd.read_excel(
            path, sheet_name=sheet, dtype=dtypes, keep_default_na=False, na_values=[""]
        )
    if fmt == "jsonl":
        return pd.read_json(path, lines=True, dtype=dtypes)
    return pd.read_parquet(path)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize("mentions", [False, True], ids=["projects", "mentions"])
def test_export_round_trip(database: Path, tmp_path: Path, fmt: str, mentions: bool) -> None:
    output = tmp_path / f"out.{fmt}"
    written = export_database(database, output, fmt=fmt, mentions=mentions)
    expected = read_database(database, mentions=mentions)
    assert written == len(expected) > 5
    back = read_back(output, fmt, expected, "mentions" if mentions else "projects")
    pd.testing.assert_frame_equal(back, expected)


@pytest.mark.parametrize(("fmt", "bom"), [("csv", True), ("jsonl", False)])
def test_byte_order_mark_only_in_csv_files(
    database: Path, tmp_path: Path, fmt: str, bom: bool
) -> None:
    output = tmp_path / f"out.{fmt}"
    export_database(database, output, fmt=fmt)
    assert output.read_bytes().startswith(b"\xef\xbb\xbf") is bom


@pytest.mark.parametrize("mentions", [False, True], ids=["projects", "mentions"])
def test_xlsx_sheet_name(database: Path, tmp_path: Path, mentions: bool) -> None:
    output = tmp_path / "out.xlsx"
    export_database(database, output, fmt="xlsx", mentions=mentions)
    assert pd.ExcelFile(output).sheet_names == ["mentions" if mentions else "projects"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_to_standard_output(
    database: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    written = export_database(database, None, fmt=fmt)
    out = capsys.readouterr().out
    expected = read_database(database)
    assert written == len(expected)
    assert not out.startswith("\ufeff")
    if fmt == "csv":
        back = pd.read_csv(
            io.StringIO(out), dtype=dict(expected.dtypes), keep_default_na=False, na_values=[""]
        )
    else:
        lines = out.splitlines()
        assert len(lines) == written
        assert list(json.loads(lines[0])) == list(expected.columns)
        assert "晶科" in out and "\\u" not in out and "NaN" not in out
        back = pd.read_json(io.StringIO(out), lines=True, dtype=dict(expected.dtypes))
    pd.testing.assert_frame_equal(back, expected)


@pytest.mark.parametrize(
    ("fmt", "output", "message"),
    [
        ("parquet", None, "parquet export needs an output file"),
        ("xlsx", None, "xlsx export needs an output file"),
        ("xml", "out.xml", "unknown export format 'xml'"),
        ("json", None, "unknown export format 'json'"),
    ],
)
def test_refused_exports(database: Path, fmt: str, output: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        export_database(database, output, fmt=fmt)


def test_export_of_a_non_database_names_it_and_writes_nothing(tmp_path: Path) -> None:
    source = _text_file(tmp_path)
    output = tmp_path / "out.csv"
    with pytest.raises(DatabaseError, match="not a project database") as raised:
        export_database(source, output, fmt="csv")
    assert str(source) in str(raised.value)
    assert not output.exists()


def test_xlsx_drops_control_characters_and_keeps_formulas_as_text(tmp_path: Path) -> None:
    doc = crafted_document().model_dump(mode="json")
    doc["title"] = "=1+1\x07 标题\x0b"
    output = tmp_path / "out.xlsx"
    write_frame(to_dataframe([doc]), output, fmt="xlsx")
    back = pd.read_excel(output, sheet_name="projects", dtype=str)
    assert back.loc[0, "title"] == "=1+1 标题"


def test_json_lines_of_the_record_frame() -> None:
    frame = to_dataframe([crafted_document()])
    (line,) = json_lines(frame)
    row = json.loads(line)
    assert list(row) == [name for name, _ in RECORD_COLUMNS]
    assert (row["investment"], row["tax_currency"], row["source"]) == (3e9, "USD", "crafted.txt")


def test_json_lines_write_missing_values_as_null() -> None:
    frame = to_dataframe([{"doc_id": "x", "projects": [{"name": "某某项目"}]}])
    (line,) = json_lines(frame)
    row = json.loads(line)
    assert (row["name"], row["investment"], row["capacity"], row["title"]) == (
        "某某项目",
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("projects.csv", "csv"),
        ("out/PROJECTS.XLSX", "xlsx"),
        ("p.parquet", "parquet"),
        ("p.pq", "parquet"),
        ("p.jsonl", "jsonl"),
        ("p.ndjson", "jsonl"),
        ("p.json", None),  # one JSON document, not JSON Lines
        ("projects", None),
        ("projects.csv/notes.txt", None),
        pytest.param(
            "projects.csv.gz",
            "csv",
            marks=pytest.mark.xfail(strict=True, reason="compressed exports are not supported"),
        ),
    ],
)
def test_format_from_path(path: str, fmt: str | None) -> None:
    assert format_from_path(path) == fmt
