"""reader: decoding scraped pages (UTF-8, GBK/GB18030, Big5) and reading files."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from xiangmu_extract.reader import InputError, decode_bytes, read_text

SIMPLIFIED = "锚定“项目为王”为新征程蓄积新动能,项目总投资3亿元以上,年税收3300万元以上。"
TRADITIONAL = "嘉興市舉行2022年度第一次“互學互比互賽”活動,圍繞統籌疫情防控和經濟社會發展。"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", "", id="empty"),
        pytest.param(SIMPLIFIED.encode("utf-8"), SIMPLIFIED, id="utf8"),
        pytest.param(codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, id="utf8-bom"),
        pytest.param(SIMPLIFIED.encode("gbk"), SIMPLIFIED, id="gbk"),
        pytest.param(SIMPLIFIED.encode("gb18030"), SIMPLIFIED, id="gb18030"),
        pytest.param("项目建设".encode("gbk"), "项目建设", id="gbk-short"),
        pytest.param("濟源".encode("gbk"), "濟源", id="gbk-traditional-chars"),
        pytest.param(TRADITIONAL.encode("big5"), TRADITIONAL, id="big5"),
        pytest.param("項目建設".encode("big5"), "項目建設", id="big5-short"),
        pytest.param(
            "尉犁縣國家級現代農業產業園項目開工建設".encode("big5"),
            "尉犁縣國家級現代農業產業園項目開工建設",
            id="big5-headline",
        ),
        pytest.param(SIMPLIFIED.encode("utf-16"), SIMPLIFIED, id="utf16-bom"),
        pytest.param(b"line1\r\nline2\t\x0c", "line1\r\nline2\t\x0c", id="ascii-whitespace"),
        pytest.param(
            SIMPLIFIED.encode("utf-8") * 40 + b"\xe9" + SIMPLIFIED.encode("utf-8"),
            SIMPLIFIED * 40 + "\ufffd" + SIMPLIFIED,
            id="utf8-one-broken-byte",
        ),
        pytest.param(
            SIMPLIFIED.encode("utf-8") + "项".encode()[:2],
            SIMPLIFIED + "\ufffd",
            id="utf8-truncated-at-end",
        ),
    ],
)
def test_decode_bytes(data: bytes, expected: str) -> None:
    assert decode_bytes(data) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"PK\x03\x04\x00\x00binary", "binary file (NUL bytes), not text", id="nul"),
        pytest.param(bytes(range(1, 32)) * 4 + b"abc", "control bytes", id="controls"),
        pytest.param(b"\x80\xff" * 8, "not decodable", id="undecodable"),
        pytest.param(codecs.BOM_UTF16_LE + b"\x00\xd8", "UTF-16", id="bad-utf16"),
    ],
)
def test_decode_bytes_rejects(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, "data/x.bin")
    assert info.value.source == "data/x.bin"
    assert reason in info.value.reason
    assert str(info.value) == f"data/x.bin: {info.value.reason}"
    assert "\n" not in str(info.value)


def test_input_error_message() -> None:
    error = InputError("data/x.bin", "binary file (NUL bytes), not text")
    assert str(error) == "data/x.bin: binary file (NUL bytes), not text"
    assert (error.source, error.reason) == ("data/x.bin", "binary file (NUL bytes), not text")


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", SIMPLIFIED),
        ("utf-8-sig", SIMPLIFIED),
        ("gbk", SIMPLIFIED),
        ("big5", TRADITIONAL),
    ],
)
def test_read_text(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(text.encode(encoding))
    assert read_text(path) == text
    assert read_text(str(path)) == text


def test_read_text_five_megabytes(tmp_path: Path) -> None:
    line = SIMPLIFIED + "\n"
    copies = 5 * 1024 * 1024 // len(line.encode()) + 1
    path = tmp_path / "big.txt"
    path.write_text(line * copies, encoding="utf-8")
    text = read_text(path)
    assert path.stat().st_size > 5 * 1024 * 1024
    assert len(text) == len(line) * copies
    assert text.endswith(line)


def test_read_text_big5_five_megabytes(tmp_path: Path) -> None:
    line = TRADITIONAL + "\n"
    copies = 5 * 1024 * 1024 // len(line.encode("big5")) + 1
    path = tmp_path / "big5.txt"
    path.write_bytes((line * copies).encode("big5"))
    assert read_text(path) == line * copies


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        pytest.param("missing.txt", "no such file", id="missing"),
        pytest.param("", "is a directory, not a file", id="directory"),
    ],
)
def test_read_text_errors(tmp_path: Path, name: str, reason: str) -> None:
    path = tmp_path / name if name else tmp_path
    with pytest.raises(InputError) as info:
        read_text(path)
    assert info.value.source == os.fspath(path)
    assert info.value.reason == reason
    assert str(info.value) == f"{os.fspath(path)}: {reason}"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_read_text_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("项目", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        read_text(path)


def test_read_text_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError) as info:
        read_text(path)
    assert str(info.value) == f"{path}: binary file (NUL bytes), not text"


DEV_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.mark.parametrize("path", sorted(DEV_RAW.glob("*.txt")), ids=lambda p: p.stem)
def test_dev_pages_round_trip_through_legacy_encodings(path: Path) -> None:
    """Every dev page, re-encoded as GB18030, reads back unchanged."""
    text = read_text(path)
    assert decode_bytes(text.encode("gb18030")) == text
