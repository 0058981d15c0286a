"""sources: finding batch inputs (files, folders, globs, JSONL/CSV dumps) and loading articles."""

from __future__ import annotations

import codecs
import gzip
import html
import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from xiangmu_extract.reader import InputError
from xiangmu_extract.sources import (
    Failure,
    SourceOptions,
    Task,
    input_size,
    iter_tasks,
    load_article,
    parse_publish_time,
)

# Real phrasings from data/raw (d09: 东南网泉州频道, 000: 杭州网).
TITLE = "泉州加快教育提质扩容 一批优质校今明两年投入使用"
PARAGRAPHS = (
    "泉州师范学院第二附属小学扩建项目用地面积约25亩,总建筑面积 25846平方米,主要建设内容包括"
    "教学楼、办公综合楼及报告厅、体育馆等校舍及大门、围墙、广场、景观绿化等附属配套设施,"
    "预计第一季度开始桩基施工。预计2022年秋季建成,将新增24个教学班,项目概算总投资约1.3亿元。",
    "泉州市实验小学洛江第二校区已开工建设,预计明年年底竣工,概算总投资19153.98万元。该项目位于"
    "泉州市洛江区阳江新城,总用地面积为39416平方米,总建筑面积为34190平方米,拟建小学48个教学班。",
    "晋江市罗山中心小学(军民小学)项目总用地3.6万多平方米,总建筑面积3.6万多平方米,规划设计48个"
    "班级,总投资超1亿元。目前,项目正在加速建设中,将力争在2022年秋季投用。",
)
BODY = "\n".join(PARAGRAPHS)
ARTICLE_000 = (
    "锚定“项目为王”为新征程蓄积新动能\n发布时间:2022-02-24 09:15:00\n"
    "项目总投资3亿元以上,结合信息化和数字化工程建设,致力于打造国内钎焊材料智能制造示范项目。"
    "投产后三年内将实现年产值6亿元以上,年税收3300万元以上。"
)
NAV = ("首页", "视频", "福建", "时评", "台海")
RELATED = ("泉州今年将新建改扩建中小学幼儿园100所", "晋江新增学位1.2万个")
FOOTER = "版权所有 东南网 闽ICP备05000000号"


def news_page(charset: str = "utf-8") -> str:
    """A news page as a Chinese portal serves it: nav, breadcrumb, article, related, footer."""
    nav = "".join(f'<li><a href="/c{i}">{name}</a></li>' for i, name in enumerate(NAV))
    related = "".join(f'<li><a href="/r{i}.htm">{t}</a></li>' for i, t in enumerate(RELATED))
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}">
<title>{TITLE}_东南网泉州频道</title>
<link rel="canonical" href="http://qz.fjsen.com/zt/2021-03/15/content_30669210.htm">
<meta property="og:title" content="{TITLE}">
<meta name="publishdate" content="2021-03-15 08:36:15">
</head><body>
<div class="nav"><ul>{nav}</ul></div>
<div class="crumb">您所在的位置:<a href="/">东南网</a> &gt; 泉州频道 &gt; 正文</div>
<div class="article"><h1>{TITLE}</h1>
<div class="info">2021-03-15 08:36:15  来源:泉州晚报  责任编辑:陈小妮</div>
<div class="content">
{body}
</div></div>
<div class="related"><h3>相关新闻</h3><ul>{related}</ul></div>
<div class="footer"><p>{FOOTER}</p><p>联系我们 | 关于我们 | 网站地图</p></div>
</body></html>"""


def summary(items: Iterable[Task | Failure], root: Path) -> list[tuple[str, str, str]]:
    """(path relative to root, locator, kind or "failure: reason") per item."""
    rows = []
    for item in items:
        path = Path(item.source)
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else item.source
        what = item.kind if isinstance(item, Task) else f"failure: {item.reason}"
        rows.append((name, item.locator, what))
    return rows


def only_tasks(items: Iterable[Task | Failure]) -> list[Task]:
    """The items, asserting they are all tasks."""
    tasks = []
    for item in items:
        assert isinstance(item, Task), item
        tasks.append(item)
    return tasks


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A crawl folder: nested dirs, hidden entries, unknown suffixes, an empty file, a dump."""
    root = tmp_path / "crawl"
    write(root / "b.txt", ARTICLE_000)
    write(root / "a" / "y.txt", ARTICLE_000)
    write(root / "a" / "x.htm", news_page())
    write(root / "a" / ".hidden.txt", ARTICLE_000)
    write(root / ".git" / "notes.txt", ARTICLE_000)
    write(root / "a" / "deeper" / "z.TXT", ARTICLE_000)
    write(root / "c.jsonl", json.dumps({"text": ARTICLE_000}, ensure_ascii=False) + "\n")
    write(root / "empty.txt", b"")
    write(root / "readme.md", "# crawl notes")
    write(root / "page.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    return root


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        pytest.param(
            ["{root}"],
            [
                ("a/deeper/z.TXT", "", "text"),
                ("a/x.htm", "", "html"),
                ("a/y.txt", "", "text"),
                ("b.txt", "", "text"),
                ("c.jsonl", "line 1", "record"),
                ("empty.txt", "", "failure: empty article"),
            ],
            id="folder-recursive-sorted-hidden-and-unknown-skipped",
        ),
        pytest.param(
            ["{root}/readme.md", "{root}/b.txt"],
            [("readme.md", "", "text"), ("b.txt", "", "text")],
            id="named-file-of-unknown-suffix-is-text-in-given-order",
        ),
        pytest.param(
            ["{root}/**/*.txt"],
            [
                ("a/y.txt", "", "text"),
                ("b.txt", "", "text"),
                ("empty.txt", "", "failure: empty article"),
            ],
            id="glob-recursive-sorted-no-hidden",
        ),
        pytest.param(
            ["{root}/*.md", "{root}/*"],
            [
                ("readme.md", "", "text"),
                ("a/deeper/z.TXT", "", "text"),
                ("a/x.htm", "", "html"),
                ("a/y.txt", "", "text"),
                ("b.txt", "", "text"),
                ("c.jsonl", "line 1", "record"),
                ("empty.txt", "", "failure: empty article"),
            ],
            id="glob-suffix-named-vs-star-uses-folder-rules",
        ),
        pytest.param(
            ["{root}/b.txt", "{root}", "{root}/*.txt"],
            [
                ("b.txt", "", "text"),
                ("a/deeper/z.TXT", "", "text"),
                ("a/x.htm", "", "html"),
                ("a/y.txt", "", "text"),
                ("c.jsonl", "line 1", "record"),
                ("empty.txt", "", "failure: empty article"),
            ],
            id="same-file-named-twice-yielded-once",
        ),
        pytest.param(
            ["{root}/missing.txt", "", "{root}/*.csv", "{root}/b.txt"],
            [
                ("missing.txt", "", "failure: no such file or directory"),
                ("", "", "failure: no such file or directory"),
                ("*.csv", "", "failure: pattern matches no file"),
                ("b.txt", "", "text"),
            ],
            id="missing-path-and-empty-glob-do-not-stop",
        ),
        pytest.param(
            ["{root}/page.png"],
            [("page.png", "", "text")],
            id="named-binary-is-a-task-load-article-rejects-it",
        ),
    ],
)
def test_iter_tasks_files(
    tree: Path, inputs: list[str], expected: list[tuple[str, str, str]]
) -> None:
    assert summary(iter_tasks([i.format(root=tree) for i in inputs]), tree) == expected


def test_file_task_size(tree: Path) -> None:
    path = str(tree / "b.txt")
    size = len(ARTICLE_000.encode())
    assert list(iter_tasks([path])) == [Task(path, "", "text", size)]


@pytest.mark.parametrize(
    ("size", "limit", "reason"),
    [
        (292, 100, "article too large: 292 bytes (limit 100 bytes, --max-bytes)"),
        (12_345, 10_000, "article too large: 12.3 kB (limit 10.0 kB, --max-bytes)"),
        (1_234_567, 1_000_000, "article too large: 1.2 MB (limit 1.0 MB, --max-bytes)"),
    ],
)
def test_file_too_large_by_stat(tmp_path: Path, size: int, limit: int, reason: str) -> None:
    path = write(tmp_path / "big.txt", b"a" * size)
    options = SourceOptions(max_bytes=limit)
    assert list(iter_tasks([str(path)], options)) == [Failure(str(path), "", reason)]


def test_input_size_counts_each_file_once(tree: Path) -> None:
    counted = ("a/deeper/z.TXT", "a/x.htm", "a/y.txt", "b.txt", "c.jsonl", "empty.txt")
    expected = sum((tree / name).stat().st_size for name in counted)
    assert input_size([str(tree), str(tree / "b.txt"), str(tree / "nope")]) == expected
    assert input_size([str(tree / "readme.md")]) == len("# crawl notes")


def test_symbolic_link_loop_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "crawl"
    write(root / "a" / "x.txt", ARTICLE_000)
    (root / "a" / "loop").symlink_to(root, target_is_directory=True)
    (root / "b.txt").symlink_to(root / "a" / "x.txt")
    assert summary(iter_tasks([str(root)]), root) == [("a/x.txt", "", "text")]


# --- loading files ---------------------------------------------------------------------------


def test_load_gbk_text(tmp_path: Path) -> None:
    path = write(tmp_path / "000_gbk.txt", ARTICLE_000.encode("gbk"))
    (task,) = only_tasks(iter_tasks([str(path)]))
    article = load_article(task)
    assert (article.text, article.text_basis, article.doc_id) == (ARTICLE_000, "input", "000_gbk")
    assert (article.title, article.url, article.publish_date) == (None, None, None)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL bytes), not text", id="binary"
        ),
        pytest.param(" \n\u3000\n".encode(), "empty article", id="whitespace-only"),
    ],
)
def test_load_article_rejects(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path / "bad.txt", data)
    with pytest.raises(InputError) as caught:
        load_article(Task(str(path), "", "text", len(data)))
    assert (caught.value.source, caught.value.reason) == (str(path), reason)


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_load_html_main_text(tmp_path: Path, charset: str) -> None:
    path = write(tmp_path / "content_30669210.htm", news_page(charset).encode(charset))
    (task,) = only_tasks(iter_tasks([str(path)]))
    article = load_article(task)
    assert article.text_basis == "html-main-text"
    assert article.text.splitlines()[0] == TITLE
    assert article.text.count(TITLE) == 1
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    for noise in (*NAV, *RELATED, FOOTER, "您所在的位置"):
        assert noise not in article.text
    assert (article.title, article.doc_id) == (TITLE, "content_30669210")
    assert article.url == "http://qz.fjsen.com/zt/2021-03/15/content_30669210.htm"
    assert article.publish_date == "2021-03-15"


def test_load_html_without_article_text(tmp_path: Path) -> None:
    path = write(tmp_path / "blank.html", "<html><head></head><body><div></div></body></html>")
    with pytest.raises(InputError, match="no article text found in the HTML page"):
        load_article(Task(str(path), "", "html", 50))


def test_short_html_item_keeps_nav_and_footer_out(tmp_path: Path) -> None:
    page = (
        '<html><head><title>某市百亿项目签约_新闻中心</title></head><body><div class="nav">'
        '<a href="/">首页</a> <a href="/n">新闻</a></div><div class="main">'
        "<h1>某市百亿项目签约</h1>"
        "<p>5月6日,某市举行重大项目签约仪式,总投资100亿元的新能源电池项目落户高新区。</p>"
        '<p>项目占地500亩,建成后年产值可达200亿元。</p></div><div class="foot">版权所有</div>'
        "</body></html>"
    )
    path = write(tmp_path / "brief.html", page)
    assert load_article(Task(str(path), "", "html", len(page))).text == (
        "某市百亿项目签约\n5月6日,某市举行重大项目签约仪式,总投资100亿元的新能源电池项目落户高新区。\n"
        "项目占地500亩,建成后年产值可达200亿元。"
    )


@pytest.mark.xfail(strict=True, reason="trafilatura joins <br>-separated lines of table layouts")
def test_table_layout_page_keeps_line_breaks(tmp_path: Path) -> None:
    page = (
        "<html><head><title>某县重大项目集中开工</title></head><body><table><tr><td>"
        "<b>某县重大项目集中开工</b><br>3月4日,某县举行重大项目集中开工仪式,共有15个项目集中开工,"
        "总投资56.8亿元。<br><br>其中,年产10万吨新型建材项目总投资8亿元,占地200亩。</td></tr>"
        "</table></body></html>"
    )
    path = write(tmp_path / "old.html", page)
    text = load_article(Task(str(path), "", "html", len(page))).text
    assert "总投资56.8亿元。\n" in text


# --- dumps -----------------------------------------------------------------------------------

RECORD = {
    "id": 7,
    "title": "锚定“项目为王”为新征程蓄积新动能",
    "content": "项目总投资3亿元以上,投产后三年内将实现年产值6亿元以上。",
    "url": "https://hznews.hangzhou.com.cn/xinzheng/2022-02/24/content_8177444.htm",
    "publish_time": "2022-02-24 09:15:00",
    "crawler": {"spider": "hz", "depth": 2},
}


def jsonl_line(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode() + b"\n"


JSONL_LINES = (
    jsonl_line(RECORD),
    b"\n",
    b'{"id": 2, "text": "a" "b"}\n',
    b"[1, 2]\n",
    '{"id": 3, "text": "项目开工"}\n'.encode("gbk"),
    jsonl_line({"id": "4", "text": "   "}),
    jsonl_line({"id": "5", "body": None}),
    jsonl_line({"id": "6", "summary": "项目开工"}),
    jsonl_line({"id": "7", "text": "项" * 200}),
    jsonl_line({"doc_id": "8", "正文": "项目开工", "Title": "标题", "发布时间": 1645665300}),
)


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [pytest.param(".jsonl", False, id="jsonl"), pytest.param(".ndjson.gz", True, id="gz")],
)
def test_jsonl_default_columns_and_bad_lines(tmp_path: Path, suffix: str, compress: bool) -> None:
    data = b"".join(JSONL_LINES)
    path = write(tmp_path / f"dump{suffix}", gzip.compress(data) if compress else data)
    items = list(iter_tasks([str(path)], SourceOptions(max_bytes=500)))
    assert summary(items, tmp_path) == [
        (path.name, "line 1", "record"),
        (path.name, "line 3", "failure: malformed JSON: Expecting ',' delimiter at column 23"),
        (path.name, "line 4", "failure: not a JSON object but an array"),
        (path.name, "line 5", "failure: not valid UTF-8 (byte 0xcf)"),
        (path.name, "line 6", "failure: empty article"),
        (path.name, "line 7", "failure: empty article"),
        (
            path.name,
            "line 8",
            "failure: no text column (looked for text, content, body, article, 正文, 内容)",
        ),
        (
            path.name,
            "line 9",
            "failure: article too large: 623 bytes (limit 500 bytes, --max-bytes)",
        ),
        (path.name, "line 10", "record"),
    ]
    first, last = items[0], items[-1]
    assert isinstance(first, Task) and isinstance(last, Task)
    assert first.record == (
        ("content", RECORD["content"]),
        ("id", "7"),
        ("url", RECORD["url"]),
        ("title", RECORD["title"]),
        ("publish_time", RECORD["publish_time"]),
    )
    assert last.record == (
        ("正文", "项目开工"),
        ("doc_id", "8"),
        ("Title", "标题"),
        ("发布时间", "1645665300"),
    )
    if not compress:
        assert first.size == len(JSONL_LINES[0])


def test_jsonl_record_article(tmp_path: Path) -> None:
    path = write(tmp_path / "dump.jsonl", jsonl_line(RECORD))
    (task,) = only_tasks(iter_tasks([str(path)]))
    article = load_article(task)
    assert article.text == f"{RECORD['title']}\n{RECORD['content']}"
    assert article.text_basis == "title+text"
    assert (article.source, article.locator) == (str(path), "line 1")
    assert (article.doc_id, article.url, article.title) == ("7", RECORD["url"], RECORD["title"])
    assert article.publish_date == "2022-02-24"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(
            SourceOptions(text_column="正文", id_column="编号", date_column="时间"),
            [("line 1", "record"), ("line 2", "failure: no column '正文'")],
            id="custom-columns",
        ),
        pytest.param(
            SourceOptions(text_column="正文", title_column="subject"),
            [("line 1", "failure: no column 'subject'"), ("line 2", "failure: no column '正文'")],
            id="named-column-missing",
        ),
    ],
)
def test_jsonl_named_columns(
    tmp_path: Path, options: SourceOptions, expected: list[tuple[str, str]]
) -> None:
    lines = (
        jsonl_line({"编号": 12, "正文": "新建项目开工。", "时间": "2022年5月7日 10:23"}),
        jsonl_line({"text": "新建项目开工。"}),
    )
    path = write(tmp_path / "custom.jsonl", codecs.BOM_UTF8 + b"".join(lines))
    items = list(iter_tasks([str(path)], options))
    assert [
        (i.locator, i.kind if isinstance(i, Task) else f"failure: {i.reason}") for i in items
    ] == (expected)
    if isinstance(items[0], Task):
        article = load_article(items[0], options)
        assert (article.doc_id, article.publish_date, article.text_basis) == (
            "12",
            "2022-05-07",
            "input",
        )


CSV_TEXT = (
    "ID,Title,Content,publish_time,source\n"
    '1,锚定“项目为王”,"锚定“项目为王”为新征程蓄积新动能\n\n项目总投资3亿元以上。",'
    "2022-02-24 09:15:00,杭州网\n"
    "2,无正文,,2022-02-25,杭州网\n"
    "\n"
    '3,多行,"第一行,项目开工\n第二行,总投资5亿元",1645665300000,\n'
    "4,短行\n"
)


def test_csv_rows(tmp_path: Path) -> None:
    data = (
        "\ufeff".encode() + CSV_TEXT.encode() + "5,坏字节,".encode() + "项目".encode("gbk") + b"\n"
    )
    path = write(tmp_path / "dump.csv", data)
    items = list(iter_tasks([str(path)]))
    assert summary(items, tmp_path) == [
        ("dump.csv", "row 1", "record"),
        ("dump.csv", "row 2", "failure: empty article"),
        ("dump.csv", "row 4", "record"),
        ("dump.csv", "row 5", "failure: empty article"),
        ("dump.csv", "row 6", "failure: not valid UTF-8 (byte 0xcf)"),
    ]
    first, multi = (load_article(task) for task in only_tasks([items[0], items[2]]))
    assert (first.text, first.text_basis, first.doc_id, first.title, first.publish_date) == (
        "锚定“项目为王”为新征程蓄积新动能\n\n项目总投资3亿元以上。",
        "input",
        "1",
        "锚定“项目为王”",
        "2022-02-24",
    )
    assert (multi.text, multi.text_basis, multi.locator, multi.publish_date) == (
        "多行\n第一行,项目开工\n第二行,总投资5亿元",
        "title+text",
        "row 4",
        "2022-02-24",
    )


@pytest.mark.parametrize(
    ("name", "data", "options", "expected"),
    [
        pytest.param(
            "dump.csv",
            "id,title,summary\n1,标题,摘要\n",
            SourceOptions(),
            [("", "failure: no text column (looked for text, content, body, article, 正文, 内容)")],
            id="csv-no-text-column",
        ),
        pytest.param(
            "dump.csv",
            "id,text\n1,正文\n",
            SourceOptions(url_column="链接"),
            [("", "failure: no column '链接'")],
            id="csv-named-column-missing",
        ),
        pytest.param(
            "dump.csv",
            "",
            SourceOptions(),
            [("", "failure: empty file, no header")],
            id="csv-empty",
        ),
        pytest.param(
            "dump.tsv",
            "标题\t内容\t链接\n项目签约\t项目签约,总投资10亿元\thttp://a.cn/1\n",
            SourceOptions(),
            [("row 1", "record")],
            id="tsv-chinese-headers",
        ),
        pytest.param(
            "dump.csv.gz",
            "text\n项目开工\n" + "项" * 200 + "\n",
            SourceOptions(max_bytes=100),
            [
                ("row 1", "record"),
                ("row 2", "failure: article too large: 600 bytes (limit 100 bytes, --max-bytes)"),
            ],
            id="csv-gz-cell-too-large",
        ),
    ],
)
def test_csv_dumps(
    tmp_path: Path, name: str, data: str, options: SourceOptions, expected: list[tuple[str, str]]
) -> None:
    raw = data.encode()
    path = write(tmp_path / name, gzip.compress(raw) if name.endswith(".gz") else raw)
    items = iter_tasks([str(path)], options)
    assert [(locator, what) for _, locator, what in summary(items, tmp_path)] == expected


def test_tsv_article(tmp_path: Path) -> None:
    path = write(
        tmp_path / "dump.tsv", "标题\t内容\t链接\n项目签约\t项目签约,总投资10亿元\thttp://a.cn/1\n"
    )
    (task,) = only_tasks(iter_tasks([str(path)]))
    article = load_article(task)
    assert (article.text, article.text_basis, article.url, article.doc_id) == (
        "项目签约,总投资10亿元",
        "input",
        "http://a.cn/1",
        None,
    )


# --- publish time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-05-07", "2022-05-07"),
        ("2022-05-07 10:23:00", "2022-05-07"),
        (" 2022-05-07 ", "2022-05-07"),
        ("2022/5/7", "2022-05-07"),
        ("2022.5.7", "2022-05-07"),
        ("2022-5-7 8:05", "2022-05-07"),
        ("2022-05-07T10:23:00+08:00", "2022-05-07"),
        ("2022-05-07T23:30:00-05:00", "2022-05-07"),
        ("2022-05-07T10:23:00.123Z", "2022-05-07"),
        ("2022年5月7日 10:23", "2022-05-07"),
        ("2022年05月07日", "2022-05-07"),
        ("二〇二二年五月七日", "2022-05-07"),
        ("发布时间:2022-02-24 09:15:00", "2022-02-24"),
        ("20220507", "2022-05-07"),
        ("1651890180", "2022-05-07"),
        ("1651890180000", "2022-05-07"),
        ("1651890180.5", "2022-05-07"),
        pytest.param("1651939200", "2022-05-08", id="epoch-dated-in-beijing-time"),
        ("Sat, 07 May 2022 10:23:00 +0800", "2022-05-07"),
        ("", None),
        ("2022-05", None),
        ("2022年5月", None),
        ("昨天 10:23", None),
        ("3小时前", None),
        ("20221399", None),
        ("2022-02-30", None),
        ("2022-13-01", None),
        ("123", None),
        ("not a date", None),
        pytest.param(
            "May 7, 2022",
            "2022-05-07",
            marks=pytest.mark.xfail(strict=True, reason="English month names are not read"),
        ),
        pytest.param(
            "22-05-07",
            "2022-05-07",
            marks=pytest.mark.xfail(strict=True, reason="two-digit years are not read"),
        ),
    ],
)
def test_parse_publish_time(value: str, expected: str | None) -> None:
    assert parse_publish_time(value) == expected
