"""A folder of plotly figures: a dict title -> Figure saved as JSON (for ClearML) and HTML.

Titles such as ``01_target/target_distribution`` become ``01_target__target_distribution``
file names, so every figure of a phase sits in one ``plots/`` folder beside one copy of
plotly.js: the HTML opens offline.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from kedro.io import AbstractDataset

SEPARATOR = "__"
INDEX = "index.json"


def title_to_stem(title: str) -> str:
    return title.strip("/").replace("/", SEPARATOR).replace(" ", "_")


class PlotlyFigures(AbstractDataset):
    def __init__(self, filepath: str, html: bool = True, metadata: dict[str, Any] | None = None) -> None:
        self._dir = Path(filepath)
        self._html = html
        self.metadata = metadata or {}

    def save(self, data: dict[str, go.Figure]) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        index = {}
        for title, figure in (data or {}).items():
            stem = title_to_stem(title)
            figure = go.Figure(figure)
            pio.write_json(figure, self._dir / f"{stem}.json")
            if self._html:
                pio.write_html(figure, self._dir / f"{stem}.html", include_plotlyjs="directory", auto_open=False)
            index[title] = f"{stem}.json"
        (self._dir / INDEX).write_text(json.dumps(index, indent=2))

    def load(self) -> dict[str, go.Figure]:
        index = json.loads((self._dir / INDEX).read_text())
        return {title: pio.read_json(self._dir / name) for title, name in index.items()}

    def _exists(self) -> bool:
        return (self._dir / INDEX).exists()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._dir)}
