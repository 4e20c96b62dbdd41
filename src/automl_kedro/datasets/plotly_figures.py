"""A folder of plotly figures: a dict title -> Figure saved as JSON (for ClearML) and HTML.

Titles such as ``01_target/target_distribution`` become ``01_target__target_distribution``
file names. The HTML files load plotly.js by a relative path from one shared copy,
``<runs root>/_static/plotly.min.js`` (written once, refreshed when plotly is upgraded), so
every plot opens offline from any run directory while ``runs/`` holds a single 4.5 MB copy.
Outside a run (no run context) the copy sits beside the HTML files instead.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from kedro.io import AbstractDataset

SEPARATOR = "__"
INDEX = "index.json"
STATIC_DIR = "_static"
PLOTLY_JS = "plotly.min.js"


def title_to_stem(title: str) -> str:
    return title.strip("/").replace("/", SEPARATOR).replace(" ", "_")


def _runs_root_of(folder: Path) -> Path | None:
    """The runs root of the running `kedro run` when ``folder`` lies inside it."""
    from automl_kedro.run_context import current, has_current

    if not has_current():
        return None
    root = Path(current().runs_root).resolve()
    return root if folder.resolve().is_relative_to(root) else None


def shared_plotlyjs(folder: Path) -> Path:
    """The plotly.js file HTML in ``folder`` should load; written if missing or outdated."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    root = _runs_root_of(folder)
    target = (root / STATIC_DIR if root is not None else folder) / PLOTLY_JS
    version = get_plotlyjs_version()
    if target.is_file():
        with target.open(encoding="utf-8") as handle:
            if f"plotly.js v{version}" in handle.read(200):
                return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{PLOTLY_JS}.{os.getpid()}.tmp")
    tmp.write_text(get_plotlyjs(), encoding="utf-8")
    tmp.replace(target)  # atomic: a concurrent run never reads half a file
    return target


class PlotlyFigures(AbstractDataset):
    def __init__(self, filepath: str, html: bool = True, metadata: dict[str, Any] | None = None) -> None:
        self._dir = Path(filepath)
        self._html = html
        self.metadata = metadata or {}

    def save(self, data: dict[str, go.Figure]) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        index = {}
        script = None
        for title, figure in (data or {}).items():
            if figure is None:
                continue  # a figure with nothing to say is left out
            stem = title_to_stem(title)
            figure = go.Figure(figure)
            pio.write_json(figure, self._dir / f"{stem}.json")
            if self._html:
                if script is None:
                    script = Path(os.path.relpath(shared_plotlyjs(self._dir), self._dir)).as_posix()
                pio.write_html(figure, self._dir / f"{stem}.html", include_plotlyjs=script, auto_open=False)
            index[title] = f"{stem}.json"
        (self._dir / INDEX).write_text(json.dumps(index, indent=2))

    def load(self) -> dict[str, go.Figure]:
        index = json.loads((self._dir / INDEX).read_text())
        return {title: pio.read_json(self._dir / name) for title, name in index.items()}

    def _exists(self) -> bool:
        return (self._dir / INDEX).exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._dir)}
