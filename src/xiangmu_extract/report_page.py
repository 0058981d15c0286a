"""The shell of the self-contained HTML reports: one document with the stylesheet and the
script of ``report_assets/`` inlined, data for the script as JSON, and a Content Security
Policy that lets only those inline blocks run (no network, no inline handlers): even a
page whose escaping failed would run nothing it was not built with.

Everything from an article or a database goes through :func:`esc` (text and attribute
values) or :func:`json_script` (data for the script); nothing untrusted is concatenated
into HTML or JavaScript otherwise.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
from importlib import resources
from typing import Any

# JSON inside <script>: these characters could end the element or start markup.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def esc(value: object) -> str:
    """``value`` as HTML text or a quoted attribute value (quotes escaped too)."""
    return html.escape("" if value is None else str(value), quote=True)


@functools.cache
def asset(name: str) -> str:
    """The text of ``report_assets/<name>`` (read once per process)."""
    files = resources.files("xiangmu_extract").joinpath("report_assets")
    return files.joinpath(name).read_text(encoding="utf-8")


def json_script(element_id: str, data: Any) -> str:
    """``data`` as a ``<script type="application/json">`` block that no string in it can
    break out of (``<``, ``>``, ``&`` written as ``\\u003c`` …)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        f'<script type="application/json" id="{esc(element_id)}">'
        f"{payload.translate(_JSON_ESCAPES)}</script>"
    )


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def page(title: str, body: str, *, kind: str, extra_css: str = "") -> str:
    """A full HTML document: ``body`` (already escaped markup) with the report stylesheet
    (plus ``extra_css``, generated from constants) and script inlined. ``kind`` names the
    page for the script and the stylesheet (``article`` or ``database``)."""
    css = asset("report.css") + extra_css
    script = asset("report.js")
    policy = (
        "default-src 'none'; "
        f"style-src {_sha256(css)}; script-src {_sha256(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n"
        f'<body class="report report-{esc(kind)}">\n{body}\n'
        f"<script>{script}</script>\n</body>\n</html>\n"
    )
