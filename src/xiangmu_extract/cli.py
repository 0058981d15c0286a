"""Command-line interface (placeholder until the pipeline lands)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    raise SystemExit("not yet")


def extract_main(argv: list[str] | None = None) -> int:
    raise SystemExit("not yet")
