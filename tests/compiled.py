"""Whether the tests run on the compiled wheel (`make unit-compiled`) or on the sources.

mypyc-compiled modules call each other's functions and methods directly, so a test that
injects a fault by monkeypatching one of them only means something on the sources.
"""

from __future__ import annotations

import importlib.machinery
import os

import pytest

from xiangmu_extract import pipeline


def is_compiled(module_file: str) -> bool:
    return module_file.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


COMPILED = is_compiled(pipeline.__file__ or "")
# `make unit-compiled` sets this, so that a run that silently imported the sources fails
EXPECT_COMPILED = os.environ.get("XIANGMU_EXTRACT_EXPECT_COMPILED") == "1"

sources_only = pytest.mark.skipif(
    COMPILED, reason="patches a function that compiled modules call directly (see `make unit`)"
)
