"""Wheel build hook: compile the extraction hot path with mypyc.

The package is pure Python and stays so in an editable install (`make install`), so an edited
module is never shadowed by a stale compiled one. A wheel (`pip install .`, `make compile`)
also carries the modules listed under ``[tool.hatch.build.targets.wheel.hooks.custom]`` compiled
by mypyc: the same code, typed as `mypy --strict` checks it, about 1.5 times faster
(`make bench`). Python imports a compiled module in preference to its source, and falls back
to the source when there is none.

Every wheel also carries ``xiangmu_extract/patterns.json``, the content of the pattern files
(``xiangmu_extract.patterns.write_cache``): a process reads it instead of parsing the YAML. It
also keeps the compiled code of their regexes, and of those the code builds from them, for the
interpreter that runs this hook (the one building the wheel): a process on that interpreter
skips compiling them (``xiangmu_extract.regex_code``).

``XIANGMU_EXTRACT_COMPILE``: ``auto`` (default) compiles when mypyc and a C compiler work and
otherwise builds a pure wheel with a warning; ``1`` makes a failed compilation an error (the
Makefile and CI use it); ``0`` builds a pure wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE = "xiangmu_extract"
SETUP = """\
from setuptools import setup
from mypyc.build import mypycify

modules = mypycify(["--config-file", "pyproject.toml", *{files!r}])
setup(name="{package}-compiled", ext_modules=modules)
"""


class MypycBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"
    _work: Path | None = None  # the copy compiled and the JSON, removed when the wheel is built

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        mode = os.environ.get("XIANGMU_EXTRACT_COMPILE", "auto")
        if self.target_name != "wheel" or version == "editable":
            return
        self._work = Path(tempfile.mkdtemp(prefix="xiangmu-mypyc-"))
        cache = self._pattern_cache(self._work)
        build_data["force_include"][str(cache)] = f"{PACKAGE}/{cache.name}"
        if mode == "0":
            return
        try:
            built = self._compile(self._work)
        except (OSError, CompileError) as exc:
            if mode == "1":
                raise
            self.app.display_warning(f"mypyc compilation failed, building a pure wheel: {exc}")
            return
        for path in built:
            build_data["force_include"][str(path)] = str(path.relative_to(self._work / "src"))
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)

    def _pattern_cache(self, work: Path) -> Path:
        """The content of the pattern files as JSON, written by the package's own code, with
        the compiled code of their regexes and of those the code builds from them."""
        cache = work / "patterns.json"
        code = (
            "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "from xiangmu_extract.patterns import built_sources, write_cache; "
            "write_cache(Path(sys.argv[2]), Path(sys.argv[3]), built_sources())"
        )
        root = Path(self.root)
        subprocess.run(
            [sys.executable, "-c", code, str(root / "src"), str(root / "patterns"), str(cache)],
            check=True,
        )
        return cache

    def _compile(self, work: Path) -> list[Path]:
        """Compile a copy of the sources (never the tree itself); the extension modules."""
        root = Path(self.root)
        shutil.copytree(root / "src" / PACKAGE, work / "src" / PACKAGE)
        shutil.copy(root / "pyproject.toml", work / "src" / "pyproject.toml")
        files = [f"{PACKAGE}/{module}.py" for module in self.config["modules"]]
        (work / "src" / "setup.py").write_text(SETUP.format(package=PACKAGE, files=files))
        self.app.display_info(f"compiling {len(files)} modules with mypyc")
        run = subprocess.run(
            [sys.executable, "setup.py", "build_ext", "--inplace"],
            cwd=work / "src",
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise CompileError(run.stdout[-3000:] + run.stderr[-3000:])
        # the modules, and mypyc's shared runtime library at the top level of the wheel
        return [
            path
            for folder in (work / "src", work / "src" / PACKAGE)
            for suffix in ("*.so", "*.pyd")
            for path in sorted(folder.glob(suffix))
        ]


class CompileError(Exception):
    """mypyc or the C compiler failed; the message is the end of their output."""
