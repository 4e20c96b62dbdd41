"""Plots worth looking at: titles say which rows they show, the recommended model stands out, one
colour per model, no figure that says nothing, one plotly.js under runs/."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from automl_kedro.datasets.plotly_figures import PlotlyFigures
from automl_kedro.ml.evaluation import evaluate_predictions
from automl_kedro.ml.figures import (
    heatmap_figure,
    leaderboard_figures,
    model_colour,
    tradeoff_figure,
)
from automl_kedro.run_context import RunContext, set_current


def _title(fig: go.Figure) -> str:
    return fig.layout.title.text


def test_evaluate_figures_are_titled_as_test_set_rows():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120)})
    y = np.where(X["a"] + 0.3 * rng.normal(size=120) > 0, "yes", "no")
    model = LogisticRegression().fit(X[:80], y[:80])
    result = evaluate_predictions(model, X[80:], pd.Series(y[80:]), "binary", ["no", "yes"])
    assert set(result.figures) == {"01_test/confusion_matrix", "01_test/roc_curve", "01_test/pr_curve"}
    for fig in result.figures.values():
        assert _title(fig).startswith("Test set:") and "40 rows" in _title(fig)
        assert "Out-of-fold" not in _title(fig)
    cells = result.figures["01_test/confusion_matrix"].data[0]
    assert np.asarray(cells.z).sum() == 40 and "%" in cells.text[0][0]  # counts with the row share

    target = 2 * X["a"] + rng.normal(scale=0.1, size=120)
    reg = evaluate_predictions(LinearRegression().fit(X[:80], target[:80]), X[80:], target[80:], "regression")
    assert set(reg.figures) == {"01_test/pred_vs_true", "01_test/residuals", "01_test/residual_hist"}
    assert all(_title(f).startswith("Test set:") for f in reg.figures.values())
    assert f"R² {reg.metrics['r2']:.3f}" in _title(reg.figures["01_test/pred_vs_true"])


def _leaderboard(variants=("standard",)) -> pd.DataFrame:
    rows = []
    for variant in variants:
        for model, score, seconds, size in [("linear", 0.93, 0.004, 900), ("random_forest", 0.95, 0.09, 9_000_000),
                                            ("k_neighbors", 0.91, 0.02, 30_000)]:
            rows.append({"candidate_id": f"{variant}/{model}", "preprocess_id": variant, "model": model, "status": "ok",
                         "cv_accuracy_mean": score, "cv_accuracy_std": 0.01, "predict_seconds": seconds,
                         "fit_seconds": 0.5, "size_bytes": size})
    rows.append({"candidate_id": f"{variants[0]}/mlp", "preprocess_id": variants[0], "model": "mlp", "status": "failed",
                 "cv_accuracy_mean": np.nan, "cv_accuracy_std": np.nan, "predict_seconds": np.nan,
                 "fit_seconds": np.nan, "size_bytes": np.nan})
    return pd.DataFrame(rows)


def test_tradeoff_marks_the_recommended_model_and_loses_none():
    fig = tradeoff_figure(_leaderboard(), "accuracy", recommended="standard/linear")
    assert "recommended: standard/linear" in _title(fig)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"linear", "random_forest", "k_neighbors", "★ recommended: standard/linear"}
    star = by_name["★ recommended: standard/linear"]
    assert star.marker.symbol == "star" and list(star.y) == [0.93] and list(star.x) == [4.0]  # ms
    # a tiny model is as visible as a big one: marker size does not encode bytes
    assert {by_name[m].marker.size for m in ("linear", "random_forest", "k_neighbors")} == {12}
    assert fig.layout.xaxis.type == "log" and "ms" in fig.layout.xaxis.title.text
    assert "mlp" in fig.layout.annotations[0].text  # the failed candidate is named, not silently lost


def test_one_colour_per_model_across_figures():
    figures = leaderboard_figures(_leaderboard(), "accuracy", "standard/random_forest")
    tradeoff = {t.name: t.marker.color for t in figures["02_leaderboard/tradeoff"].data}
    wins = figures["02_leaderboard/win_summary"].data[0]
    assert dict(zip(wins.y, wins.marker.color)) == {m: tradeoff[m] for m in wins.y}
    assert len({model_colour(m) for m in ("linear", "random_forest", "k_neighbors", "lightgbm")}) == 4
    assert list(wins.y)[-1] == "random_forest" and wins.marker.symbol[-1] == "star"  # best on top, starred


def test_heatmap_only_with_several_preprocessing_variants():
    assert heatmap_figure(_leaderboard(), "accuracy") is None
    assert "02_leaderboard/model_x_preprocessing" not in leaderboard_figures(_leaderboard(), "accuracy")
    two = heatmap_figure(_leaderboard(("standard", "robust")), "accuracy")
    assert list(two.data[0].x) == ["robust", "standard"] and len(two.data[0].y) == 3


def test_plots_of_two_runs_share_one_plotlyjs(tmp_path: Path):
    figure = {"01_x/line": go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))}
    pages = []
    for run_id in ("r1", "r2"):
        ctx = RunContext.create({"run": {"id": run_id, "runs_dir": "runs"}}, tmp_path)
        set_current(ctx)
        try:
            folder = ctx.runs_root / "evaluate" / "2026-01-01" / f"{run_id}_default" / "plots"
            PlotlyFigures(str(folder)).save({**figure, "01_x/nothing": None})
        finally:
            set_current(None)
        pages.append(folder / "01_x__line.html")
        assert not (folder / "01_x__nothing.html").exists()
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*.js")] == [Path("runs/_static/plotly.min.js")]
    for page in pages:
        src = page.read_text().split('src="', 1)[1].split('"', 1)[0]
        assert not Path(src).is_absolute() and (page.parent / src).resolve() == (tmp_path / "runs/_static/plotly.min.js").resolve()
    assert PlotlyFigures(str(pages[0].parent)).load()["01_x/line"].data[0].y == (3, 4)


@pytest.mark.parametrize("n_variants,expected", [(1, []), (2, ["03_features/feature_count"])])
def test_feature_count_plot_only_compares_variants(n_variants, expected):
    from automl_kedro.data import build_dataset
    from automl_kedro.features import featurize

    built = build_dataset({"path": str(Path(__file__).resolve().parents[1] / "data/01_raw/penguins.csv"),
                           "target": "species"}, {})
    variants = [{"id": "std"}, {"id": "ord", "encoder": "ordinal"}][:n_variants]
    assert list(featurize(built.dataset, built.schema, {"variants": variants}).plots) == expected
