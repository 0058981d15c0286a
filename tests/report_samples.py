"""Inputs shared by the report tests (test_reports.py, test_browser.py): the dev articles,
a project database built from them, and hostile inputs that try to inject markup."""

from __future__ import annotations

import json
from pathlib import Path

from xiangmu_extract.batch import run_batch
from xiangmu_extract.models import Document, Money, Project

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"

# Dump records with markup in titles and text, and a javascript: URL.
EVIL_DUMP = [
    {
        "url": "javascript:alert(1)",
        "title": f"{XSS_SCRIPT}年产10万吨钢材项目开工",
        "date": "2023-05-06",
        "content": f"本报讯 {XSS_IMG}宁波市{XSS_SCRIPT}年产10万吨高端钢材项目总投资5亿元,"
        "今年3月开工建设,预计明年6月投产。",
    },
    {
        "url": "https://example.com/news/1?a=1&b=<2>",
        "title": '绍兴市"<b>"新材料产业园项目签约',
        "date": "2023-06-01",
        "content": "绍兴市新材料产业园项目签约,总投资10亿元,项目建成后年产新材料2万吨。",
    },
]


def build_dev_db(folder: Path) -> Path:
    """A project database of every dev article (data/raw)."""
    db = folder / "dev.sqlite"
    run_batch(sorted(str(p) for p in RAW.glob("*.txt")), db, jobs=1)
    return db


def build_evil_db(folder: Path) -> Path:
    """A project database of :data:`EVIL_DUMP` and one binary file (a failure)."""
    dump = folder / "evil.jsonl"
    dump.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in EVIL_DUMP), "utf-8")
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02" * 20)
    db = folder / "evil.sqlite"
    run_batch([str(dump), str(folder / "bad.txt")], db, jobs=1)
    return db


def evil_article() -> tuple[Document, str]:
    """An article with markup in its text, title, names and warnings, and the record of a
    project whose name (with markup) holds its location."""
    text = f"{XSS_SCRIPT}\n{XSS_IMG}宁波市钢材项目总投资5亿元"
    start = text.index("宁波市")
    doc = Document(
        title=XSS_SCRIPT,
        media=XSS_IMG,
        projects=[
            Project(
                name=f"{XSS_IMG}钢材项目",
                name_span=(start - len(XSS_IMG), start + 7),
                location="宁波市",
                location_span=(start, start + 3),
                company='" onmouseover="alert(1)',
                investment=Money(value=5e8, text="5亿元", span=(start + 10, start + 13)),
            )
        ],
        warnings=[f"dropped tax: {XSS_SCRIPT}"],
    )
    return doc, text
