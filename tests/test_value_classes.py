"""The value classes that write their own ``__init__`` (``@dataclass(init=False)``: mypyc
compiles it, while the one ``dataclasses`` generates stays interpreted): it must take the
fields, in order, with their defaults, and set every one of them. Read on the sources: a
compiled class shows neither its ``__init__``'s signature nor its fields' annotations."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import tomllib
from pathlib import Path
from typing import Any

import pytest

from compiled import COMPILED

ROOT = Path(__file__).resolve().parents[1]


def _compiled_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    modules: list[str] = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"][
        "modules"
    ]
    return modules


def _own_init_classes() -> list[type[Any]]:
    found = []
    for name in _compiled_modules():
        module = importlib.import_module(f"xiangmu_extract.{name}")
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and value.__module__ == module.__name__
                and dataclasses.is_dataclass(value)
                and not value.__dataclass_params__.init  # type: ignore[attr-defined]
            ):
                found.append(value)
    return found


CLASSES = _own_init_classes()
on_sources = pytest.mark.skipif(
    COMPILED, reason="compiled classes hide their __init__'s signature and their annotations"
)


def test_the_hot_value_classes_have_their_own_init() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"Sentence", "Tokens", "Phrase", "NameMention", "Line", "MoneyMention"} <= names


@on_sources
@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_init_takes_the_fields_in_order_with_their_defaults(cls: type[Any]) -> None:
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    assert all(p.kind == p.POSITIONAL_OR_KEYWORD for p in parameters)
    empty = inspect.Parameter.empty
    assert [p.default for p in parameters] == [
        empty if f.default is dataclasses.MISSING else f.default for f in fields
    ]


@on_sources
@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_init_sets_every_field(cls: type[Any]) -> None:
    hints = inspect.get_annotations(cls, eval_str=True)
    fields = dataclasses.fields(cls)
    values = [_sample(hints[f.name], k) for k, f in enumerate(fields)]
    made = cls(*values)
    assert [getattr(made, f.name) for f in fields] == values


def _sample(hint: Any, k: int) -> Any:
    """A value of the type ``hint``, different for each k."""
    for t in (hint, *getattr(hint, "__args__", ())):
        if t is bool:
            return k % 2 == 0
        if t is int:
            return 100 + k
        if t is float:
            return k + 0.5
        if t is str or isinstance(t, str):  # str, or a member of a Literal
            return f"v{k}"
        if getattr(t, "__origin__", None) is tuple:
            return (_sample(t.__args__[0], k),)
    return None  # an optional field of another class: None will do
