"""Dotted overrides for clone mode (pure): ``train.models[0].params.alpha=0.1`` -> nested update."""
from __future__ import annotations

import copy
import re
from typing import Any

import yaml

from automl_kedro.errors import AutoMLInputError

_FIRST = re.compile(r"([^.\[\]=\s]+)|\[(-?\d+)\]")
_NEXT = re.compile(r"\.([^.\[\]=\s]+)|\[(-?\d+)\]")


def parse_path(path: str) -> list[str | int]:
    """``train.models[0].params.alpha`` -> ``['train', 'models', 0, 'params', 'alpha']``."""
    path = path.strip()
    if not path:
        raise AutoMLInputError("Empty override path: write it as section.key=value, e.g. train.cv_folds=3.")
    parts: list[str | int] = []
    pos = 0
    while pos < len(path):
        match = (_FIRST if pos == 0 else _NEXT).match(path, pos)
        if not match:
            raise AutoMLInputError(
                f"Cannot read override path {path!r} at position {pos}: use dots between keys and "
                f"[n] for list items, e.g. train.models[0].params.alpha."
            )
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    return parts


def parse_override(text: str) -> tuple[list[str | int], Any]:
    """``a.b[1]=value`` -> (path, value); the value is read as YAML (``0.1``, ``true``, ``[1, 2]``)."""
    if "=" not in text:
        raise AutoMLInputError(f"Override {text!r} has no '=': write it as section.key=value.")
    path, raw = text.split("=", 1)
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return parse_path(path), value


def set_path(config: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    """A copy of ``config`` with ``value`` at ``path``; missing dict keys are created, list indexes
    must exist (an index one past the end appends)."""
    out = copy.deepcopy(config)
    node: Any = out
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        where = ".".join(str(k) for k in path[: depth + 1])
        if isinstance(key, int):
            if not isinstance(node, list):
                raise AutoMLInputError(f"Override {where}: [{key}] indexes a list, but this is {type(node).__name__}.")
            if key == len(node):
                node.append({} if not last else None)
            if not -len(node) <= key < len(node):
                raise AutoMLInputError(f"Override {where}: index {key} is out of range (the list has {len(node)} items).")
            if last:
                node[key] = value
            else:
                if isinstance(path[depth + 1], str) and isinstance(node[key], str):
                    node[key] = {"name": node[key]}  # a bare model name becomes {name: ...}
                node = node[key]
        else:
            if not isinstance(node, dict):
                raise AutoMLInputError(f"Override {where}: {key!r} is a key, but the value here is {type(node).__name__}.")
            if last:
                node[key] = value
            else:
                if node.get(key) is None:
                    node[key] = [] if isinstance(path[depth + 1], int) else {}
                node = node[key]
    return out


def apply_overrides(config: dict[str, Any], overrides: list[str] | dict[str, Any]) -> dict[str, Any]:
    """Apply ``['a.b=1', 'c[0].d=x']`` (or a dict path -> value) to a copy of ``config``."""
    items = overrides.items() if isinstance(overrides, dict) else (parse_override(o) for o in overrides)
    out = config
    for path, value in items:
        out = set_path(out, parse_path(path) if isinstance(path, str) else path, value)
    return out
