"""The HTML reports in a real headless browser (Debian's chromium driven by Playwright):
what a person sees — highlights, a click on a table value scrolling to its mention,
charts with the right numbers, a sortable and filterable table — with no console error
and no script from the article running.

Screenshots go to artifacts/screenshots/ (git-ignored); with
XIANGMU_UPDATE_README_IMAGES=1 the README pictures in docs/img/ are rewritten too.
Skipped when chromium or Playwright is missing (CI installs both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from report_samples import RAW, XSS_IMG, XSS_SCRIPT, build_dev_db, build_evil_db, evil_article
from xiangmu_extract.frames import read_database
from xiangmu_extract.pipeline import extract
from xiangmu_extract.reader import read_text
from xiangmu_extract.report_article import render_article_report
from xiangmu_extract.report_database import render_database_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
README_IMAGES = ROOT / "docs" / "img"
MAX_README_IMAGE_BYTES = 150_000
VIEWPORT = {"width": 1200, "height": 720}
README_VIEWPORT = {"width": 960, "height": 440}  # keeps the PNGs small

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')"
)
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} missing (apt-get install chromium)", allow_module_level=True)


@dataclass
class Opened:
    """A page and what happened while it was open."""

    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def out_dir() -> Path:
    folder = ARTIFACTS / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _dismiss(dialog: Dialog, seen: list[str]) -> None:
    seen.append(dialog.message)
    dialog.dismiss()


def _open(browser: Browser, path: Path) -> Opened:
    page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
    opened = Opened(page)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("dialog", lambda d: _dismiss(d, opened.dialogs))
    page.on("request", lambda r: opened.requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return opened


def _screenshot(page: Page, name: str) -> None:
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"))
    if os.environ.get("XIANGMU_UPDATE_README_IMAGES") == "1":
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        target = README_IMAGES / f"{name}.png"
        page.set_viewport_size(README_VIEWPORT)  # type: ignore[arg-type]
        page.screenshot(path=str(target))
        page.set_viewport_size(VIEWPORT)  # type: ignore[arg-type]
        assert target.stat().st_size < MAX_README_IMAGE_BYTES


def _in_view(page: Page, selector: str) -> bool:
    box: Any = page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0; }",
    )
    return bool(box)


# -- the article page -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def article(browser: Browser, out_dir: Path) -> Iterator[Opened]:
    path = RAW / "002_2c39f0067748cac1.txt"
    text = read_text(path)
    doc = extract(text, source=str(path))
    report = out_dir / "article.html"
    report.write_text(render_article_report(doc, text, source=str(path)), "utf-8")
    opened = _open(browser, report)
    yield opened
    opened.page.close()


def test_article_highlights_match_the_legend(article: Opened) -> None:
    page = article.page
    for label in ("PROJECT", "LOCATION", "MONEY", "DATE"):
        legend = int(page.inner_text(f"#legend .m-{label} + .count"))
        marks = page.locator(f"#text mark.m-{label}[id]")
        assert legend > 0 and marks.count() == legend
    colour = page.eval_on_selector(
        "#text mark.m-PROJECT", "el => getComputedStyle(el).backgroundColor"
    )
    assert colour == "rgb(246, 195, 67)"  # LABEL_COLORS["PROJECT"], #f6c343


def test_clicking_a_value_scrolls_to_its_mention_and_flashes_it(article: Opened) -> None:
    page = article.page
    link = page.locator("#records a.v").last
    target = f"#{link.get_attribute('href')[1:]}"  # type: ignore[index]
    page.eval_on_selector(".article-pane", "el => { el.scrollTop = 0; }")
    assert not _in_view(page, target)
    link.click()
    page.wait_for_function(
        "sel => { const r = document.querySelector(sel).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        arg=target,
    )
    assert _in_view(page, target)
    assert "flash" in (page.get_attribute(target, "class") or "")
    assert page.is_visible("#mention-info")
    page.eval_on_selector(".records-pane", "el => { el.scrollLeft = 0; }")
    _screenshot(page, "article-report")
    assert article.errors == []
    assert [u for u in article.requests if not u.startswith("file:")] == []


# -- hostile input --------------------------------------------------------------------------
def test_markup_in_an_article_is_shown_as_text_and_runs_nothing(
    browser: Browser, out_dir: Path
) -> None:
    doc, text = evil_article()
    report = out_dir / "evil-article.html"
    report.write_text(render_article_report(doc, text, source=f"{XSS_IMG}.txt"), "utf-8")
    opened = _open(browser, report)
    page = opened.page
    page.wait_for_timeout(200)  # an injected handler would have fired by now
    assert opened.dialogs == [] and opened.errors == []
    shown = page.inner_text("#text")
    assert XSS_SCRIPT in shown and XSS_IMG in shown
    assert XSS_SCRIPT in page.inner_text("#doc-title")
    assert page.locator("img").count() == 0
    # a place inside a project name: both highlights visible, one inside the other
    inner = page.locator("#text mark.m-PROJECT mark.m-LOCATION")
    assert inner.count() == 1 and inner.inner_text() == "宁波市"
    outer_box, inner_box = page.locator("#text mark.m-PROJECT").bounding_box(), inner.bounding_box()
    assert outer_box and inner_box and outer_box["width"] > inner_box["width"] > 0
    page.close()


def test_markup_in_a_database_is_shown_as_text_and_runs_nothing(
    browser: Browser, out_dir: Path, tmp_path: Path
) -> None:
    report = out_dir / "evil-database.html"
    report.write_text(render_database_report(build_evil_db(tmp_path)), "utf-8")
    opened = _open(browser, report)
    page = opened.page
    page.wait_for_timeout(200)
    assert opened.dialogs == [] and opened.errors == []
    assert XSS_SCRIPT in page.inner_text("#projects")
    assert page.locator("#projects a[href^='javascript']").count() == 0
    assert page.locator("#projects a.source").count() == 1
    page.close()


# -- the database page ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def database(
    browser: Browser, out_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Opened, Path]]:
    db = build_dev_db(tmp_path_factory.mktemp("browser-db"))
    report = out_dir / "database.html"
    report.write_text(render_database_report(db), "utf-8")
    opened = _open(browser, report)
    yield opened, db
    opened.page.close()


def test_charts_show_the_numbers_of_the_database(database: tuple[Opened, Path]) -> None:
    opened, db = database
    page = opened.page
    frame = read_database(db)
    status = frame["status"].fillna("(unknown)").value_counts()
    shown = dict(
        zip(
            page.locator("#chart-status text.cat").all_text_contents(),
            page.locator("#chart-status text.value").all_text_contents(),
            strict=True,
        )
    )
    assert shown == {s: str(n) for s, n in status.items()}
    for chart in ("chart-investment", "chart-months", "chart-capacity-0", "chart-status"):
        bars = page.locator(f"#{chart} rect.bar")
        assert bars.count() > 0 and bars.first.bounding_box()["width"] > 0  # type: ignore[index]
    assert page.inner_text("[data-count=consolidated] .n") == str(len(frame))
    _screenshot(page, "database-report")
    assert opened.errors == []


def test_table_sorts_by_a_click_on_a_header(database: tuple[Opened, Path]) -> None:
    page = database[0].page
    header = page.locator("#projects th[data-column=investment]")
    keys = (
        "col => [...document.querySelectorAll('#projects tbody tr')]"
        ".map(r => r.cells[col].dataset.key)"
    )
    column = header.evaluate("th => [...th.parentNode.children].indexOf(th)")
    header.click()
    values = [float(k) for k in page.evaluate(keys, column) if k]
    assert values == sorted(values) and header.get_attribute("aria-sort") == "ascending"
    header.click()
    values = [float(k) for k in page.evaluate(keys, column) if k]
    assert values == sorted(values, reverse=True)


def test_table_filters_by_the_text_box(database: tuple[Opened, Path]) -> None:
    page = database[0].page
    page.fill("#filter", "济源")
    rows = page.locator("#projects tbody tr:visible")
    texts = rows.all_inner_texts()
    assert texts and all("济源" in t for t in texts)
    assert page.inner_text("#shown").startswith(f"{len(texts)} of ")
    page.fill("#filter", "")
    assert page.locator("#projects tbody tr:visible").count() == len(read_database(database[1]))
