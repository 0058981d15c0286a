"""The main article text of an HTML page, by trafilatura.

The page is never fetched or followed: trafilatura only parses the markup given. Its
``MIN_EXTRACTED_SIZE`` (characters below which it distrusts its main extractor and falls back to
readability/baseline extraction, which keep navigation bars and footers) is tuned for Latin text;
a Chinese character carries several Latin characters' worth of content, so a short Chinese news
item would otherwise come back with the page's navigation and footer around it.
"""

from __future__ import annotations

import functools
from configparser import ConfigParser
from dataclasses import dataclass

# Characters of main text below which trafilatura tries its fallback extractors (default 250).
_MIN_EXTRACTED_CHARS = 60


@dataclass(frozen=True, slots=True)
class MainText:
    """What :func:`extract_main_text` found on a page."""

    text: str  # the title line first (when there is a title), then the body paragraphs
    title: str | None
    url: str | None  # the page's own URL (canonical link / og:url), if it declares one
    date: str | None  # the publication date as trafilatura gives it (YYYY-MM-DD), if any


@functools.cache
def _config() -> ConfigParser:
    from trafilatura.settings import use_config  # heavy import, only when an HTML page comes

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(_MIN_EXTRACTED_CHARS))
    return config


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    line = " ".join(value.split())
    return line or None


def extract_main_text(html: str) -> MainText | None:
    """The article text of ``html`` with its title as the first line; None if there is none.

    Recall is favored (a lost paragraph loses projects; a stray line rarely adds one); tables are
    kept (project lists are often tables); comments are dropped.
    """
    from trafilatura import bare_extraction

    document = bare_extraction(
        html,
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        # the date from the page's metadata (meta tags, JSON-LD, markup), not guessed from the body
        date_extraction_params={"extensive_search": False, "original_date": True},
        config=_config(),
    )
    if document is None or isinstance(document, dict):
        return None
    body = (document.text or "").strip()
    if not body:
        return None
    title = _one_line(document.title)
    text = body if title is None or body.startswith(title) else f"{title}\n{body}"
    return MainText(text=text, title=title, url=_one_line(document.url), date=document.date)
