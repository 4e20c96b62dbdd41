"""SHAP values of tree models (the ``shap`` package), per RAW input column.

A fitted model of this project (``model.ckpt``) is a preprocess + model pipeline, or an average of such
pipelines: a :class:`~automl_kedro.ml.ensemble.FoldBag` of cross-validation fold models, a weighted
:class:`~automl_kedro.ml.ensemble.VotingEnsemble`, or a stacking ensemble whose meta-learner is linear
(regression). SHAP values are additive, so the weighted sum of the members' values explains the weighted
average of the members' outputs, provided every member explains on the same scale. That scale is the
model's *raw output*:

- regression: the target, or the transformed target when the model learnt ``log1p`` / Yeo-Johnson of it
  (the tree ensemble sums on that scale; the back-transform is not additive);
- classification by boosters (HistGradientBoosting, LightGBM, XGBoost, gradient boosting): the log-odds
  (binary: of the positive class) or the class's raw score (multiclass: before the softmax);
- classification by forests (random forest, extra trees): the class probability.

The wrappers average the members' predictions (original target scale) or probabilities; where the members'
raw output is another scale (log-odds, a transformed target), the summed values add up to the members'
weighted mean on that scale, and ``scale`` says so ("weighted mean over 5 models of the log-odds ...").
Members on different scales (e.g. a booster averaged with a forest in a classification) are not explained
(:class:`NotExplainable`); so is any model that is not a tree ensemble: the model-agnostic explanations
of :mod:`automl_kedro.ml.row_explanations` and :mod:`automl_kedro.ml.importance` serve them.

The models see model-aware inputs (native pandas categories and date parts for the boosters, one-hot and
scaled columns for the others); each input column's values are folded back to the raw column it came
from (one-hot columns and date parts are summed; a polynomial product is shared among its factors), so
``base_value + values.sum(axis=1) == output`` per row on raw columns too.

HistGradientBoosting is converted here rather than by ``shap``: shap reads its numeric thresholds but
neither its categorical (bitset) splits nor the reordering of its internal columns; a categorical split
becomes a 0/1 column "goes right at this split" (one per distinct split), folded back into its column.
"""
from __future__ import annotations

import importlib.util
import re
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from automl_kedro.ml.booster_names import booster_safe

BOOSTERS = {
    "HistGradientBoostingRegressor", "HistGradientBoostingClassifier", "LGBMRegressor", "LGBMClassifier",
    "XGBRegressor", "XGBClassifier", "GradientBoostingRegressor", "GradientBoostingClassifier",
}
FORESTS = {"RandomForestRegressor", "RandomForestClassifier", "ExtraTreesRegressor", "ExtraTreesClassifier"}
TREE_MODELS = BOOSTERS | FORESTS


def tree_kind(estimator) -> str:
    """The tree model class an estimator is or derives from (e.g. our early-stopping LightGBM), else its name."""
    return next((c.__name__ for c in type(estimator).__mro__ if c.__name__ in TREE_MODELS),
                type(estimator).__name__)


class NotExplainable(ValueError):
    """The model cannot be explained by TreeSHAP (the message says why); use a model-agnostic method."""


def shap_installed() -> bool:
    """Whether the optional ``shap`` package (extra ``explain``) can be imported."""
    return importlib.util.find_spec("shap") is not None


@dataclass
class ShapExplanation:
    """Per row: ``base_value + values.sum(axis=1) == output``, all on ``scale``."""

    values: pd.DataFrame  # rows x raw input columns
    base_value: np.ndarray  # per row (classification: of the explained class)
    output: np.ndarray  # the model output explained, per row
    scale: str  # in words, e.g. "log-odds of the explained class", "log1p(target)"
    explained_class: np.ndarray | None = None  # classification: the class each row's values are for


# --------------------------------------------------------------------------- the model's structure


def _members(model, weight: float = 1.0) -> tuple[list[tuple[float, object, object]], float]:
    """(weight, fitted preprocess or None, estimator) leaves of an averaged model, and a constant offset."""
    from sklearn.pipeline import Pipeline

    from automl_kedro.ml.ensemble import FoldBag, StackingEnsemble, VotingEnsemble

    if isinstance(model, Pipeline):
        steps = [s for _, s in model.steps]
        pre = [s for s in steps[:-1] if s not in (None, "passthrough")]
        if not pre:
            return _members(steps[-1], weight)
        if len(pre) > 1:
            raise NotExplainable("a pipeline with several preprocessing steps")
        return [(weight, pre[0], steps[-1])], 0.0
    if isinstance(model, FoldBag):
        return _combine([(weight / len(model.members_), m) for m in model.members_])
    if isinstance(model, VotingEnsemble):
        w = np.asarray(model.weights, dtype=float)
        return _combine([(weight * wi / w.sum(), m) for wi, m in zip(w, model.members_)])
    if isinstance(model, StackingEnsemble):
        coef = getattr(model.meta, "coef_", None)
        if model.task != "regression" or coef is None or np.ndim(coef) != 1:
            raise NotExplainable("a stacking ensemble whose meta-learner is not linear in its members' outputs")
        leaves, offset = _combine([(weight * float(c), m) for c, m in zip(coef, model.members_)])
        return leaves, offset + weight * float(model.meta.intercept_)
    return [(weight, None, model)], 0.0


def _combine(weighted) -> tuple[list, float]:
    leaves, offset = [], 0.0
    for w, m in weighted:
        sub, off = _members(m, w)
        leaves += sub
        offset += off
    return leaves, offset


def _unwrap(estimator):
    """(tree model, target transform name, class labels of the tree model's outputs)."""
    from sklearn.compose import TransformedTargetRegressor

    from automl_kedro.ml.models import EncodedLabelClassifier, TimeBoxedForest

    transform = "none"
    if isinstance(estimator, TransformedTargetRegressor):
        if estimator.transformer_ is not None and type(estimator.transformer_).__name__ == "PowerTransformer":
            transform = estimator.transformer_.method.replace("-", "_")
        elif estimator.func is np.log1p:
            transform = "log1p"
        else:
            transform = getattr(estimator.func, "__name__", "transformed")
        estimator = estimator.regressor_
    classes = getattr(estimator, "classes_", None)
    if isinstance(estimator, EncodedLabelClassifier):
        estimator = estimator.estimator_
    if isinstance(estimator, TimeBoxedForest):
        estimator = estimator.forest_
    name = tree_kind(estimator)
    if name not in TREE_MODELS:
        raise NotExplainable(f"{name} is not a tree model")
    return estimator, transform, classes


def _scale(name: str, task: str, transform: str) -> str:
    if task == "regression":
        return "target" if transform == "none" else f"{transform}(target)"
    if task == "binary":
        return "probability of the positive class" if name in FORESTS else "log-odds of the positive class"
    if name in FORESTS:
        return "probability of the explained class"
    return "raw score (pre-softmax) of the explained class"


# --------------------------------------------------------------------------- inputs -> raw columns


def _names(Z, preprocess) -> list[str]:
    if isinstance(Z, pd.DataFrame):
        return [str(c) for c in Z.columns]
    return [str(c) for c in preprocess.get_feature_names_out()]


def _match(name: str, raw: list[str]) -> list[str]:
    """The raw column(s) an input column named ``name`` derives from: itself, ``<col>_<category or part>``,
    ``missingindicator_<col>``, or a PolynomialFeatures product / power of those (``"a b"``, ``"a^2"``)."""
    by_length = sorted(raw, key=len, reverse=True)

    def one(part: str) -> str | None:
        for test in (lambda c: part == c, lambda c: part.startswith(c + "_"), lambda c: part.endswith("_" + c)):
            hit = next((c for c in by_length if test(c)), None)
            if hit is not None:
                return hit
        return None

    whole = one(name)
    if whole is not None:
        return [whole]
    factors = [one(re.sub(r"\^\d+$", "", t)) for t in name.split(" ")]
    if all(factors):
        return list(dict.fromkeys(factors))
    return []


def fold_matrix(preprocess, names: list[str], raw_columns: list[str]) -> np.ndarray:
    """(inputs x raw columns) weights: an input's value is shared among the raw column(s) it comes from."""
    from sklearn.compose import ColumnTransformer

    from automl_kedro.features.native import NativeTabular

    M = np.zeros((len(names), len(raw_columns)))
    col = {c: j for j, c in enumerate(raw_columns)}
    if preprocess is None:
        groups = [(slice(0, len(names)), raw_columns)]
    elif isinstance(preprocess, NativeTabular):
        groups = [(slice(0, len(names)), list(preprocess.kinds_))]
    elif isinstance(preprocess, ColumnTransformer):
        groups = [(preprocess.output_indices_[n], list(np.atleast_1d(cols)))
                  for n, t, cols in preprocess.transformers_ if t != "drop" and n in preprocess.output_indices_]
    else:
        raise NotExplainable(f"inputs made by {type(preprocess).__name__} cannot be traced to raw columns")
    for where, cols in groups:
        cols = [str(c) for c in cols]
        for i in range(len(names))[where]:
            sources = cols if len(cols) == 1 else _match(names[i], cols)
            if not sources or any(s not in col for s in sources):
                raise NotExplainable(f"input column {names[i]!r} cannot be traced to a raw column")
            for s in sources:
                M[i, col[s]] += 1.0 / len(sources)
    return M


# --------------------------------------------------------------------------- SHAP of one tree model


def _in_bitset(bitset: np.ndarray, values: np.ndarray) -> np.ndarray:
    v = values.astype(np.int64)
    return ((bitset[v // 32] >> (v % 32).astype(np.uint32)) & 1).astype(bool)


class _HGBOutput:
    """One output (class score) of a HistGradientBoosting model as a shap dict model, built once.

    Each distinct categorical split (feature, left bitset, missing direction) becomes an extra 0/1 input
    "goes right here", computed per row as the model routes it (missing and unknown categories included).
    """

    def __init__(self, model, k: int):
        import shap

        self.model = model
        self.known, self.f_idx_map = model._bin_mapper.make_known_categories_bitsets()
        self.n_int = model.n_features_in_
        self.splits: dict[tuple, int] = {}
        self.bitsets: list[np.ndarray] = []
        trees = []
        for predictors in model._predictors:
            p = predictors[k]
            nodes = p.nodes
            leaf = nodes["is_leaf"] == 1
            features = np.where(leaf, -2, nodes["feature_idx"]).astype(np.int64)
            thresholds = nodes["num_threshold"].astype(np.float64)
            for i in np.flatnonzero((nodes["is_categorical"] == 1) & ~leaf):
                bits = p.raw_left_cat_bitsets[nodes["bitset_idx"][i]]
                key = (int(nodes["feature_idx"][i]), bits.tobytes(), bool(nodes["missing_go_to_left"][i]))
                if key not in self.splits:
                    self.splits[key] = self.n_int + len(self.bitsets)
                    self.bitsets.append(np.array(bits))
                features[i], thresholds[i] = self.splits[key], 0.5
            trees.append({
                "children_left": np.where(leaf, -1, nodes["left"]).astype(np.int64),
                "children_right": np.where(leaf, -1, nodes["right"]).astype(np.int64),
                "children_default": np.where(leaf, -1, np.where(nodes["missing_go_to_left"] == 1, nodes["left"],
                                                                 nodes["right"])).astype(np.int64),
                "features": features, "thresholds": thresholds,
                "values": nodes["value"].astype(np.float64).reshape(-1, 1),
                "node_sample_weight": nodes["count"].astype(np.float64),
            })
        baseline = float(np.asarray(model._baseline_prediction, dtype=float).ravel()[k])
        self.explainer = shap.TreeExplainer({"trees": trees, "base_offset": baseline, "tree_output": "raw_value",
                                             "input_dtype": np.float64, "internal_dtype": np.float64})
        # internal column -> model input column (HGB puts its categorical columns first); a split -> its feature
        order = np.arange(self.n_int) if model._preprocessor is None else np.concatenate(
            [np.flatnonzero(model.is_categorical_), np.flatnonzero(~model.is_categorical_)])
        self.source = np.concatenate([order, [order[f] for f, _, _ in self.splits]]).astype(int)

    def shap(self, Z) -> tuple[np.ndarray, float]:
        model = self.model
        Xi = np.asarray(model._preprocessor.transform(Z) if model._preprocessor is not None else Z, dtype=np.float64)
        extra = []
        for (f, _, go_left), bits in zip(self.splits, self.bitsets):
            x = Xi[:, f]
            missing = np.isnan(x) | (x < 0)
            safe = np.where(missing, 0, x)
            left = np.where(missing, go_left, _in_bitset(bits, safe))
            unknown = ~missing & ~left & ~_in_bitset(self.known[self.f_idx_map[f]], safe)
            extra.append(~np.where(unknown, go_left, left))  # unknown categories go the missing way
        X_all = np.column_stack([Xi, *[e.astype(np.float64) for e in extra]]) if extra else Xi
        raw = np.asarray(self.explainer.shap_values(X_all, check_additivity=False), dtype=float)
        phi = np.zeros((len(Xi), Xi.shape[1]))
        np.add.at(phi.T, self.source, raw.T)  # the split inputs back into their feature
        return phi, float(np.ravel(self.explainer.expected_value)[0])


class _TreeModel:
    """TreeSHAP of one fitted tree model, explainers built once: ``shap(Z, class_index)``."""

    def __init__(self, model):
        import shap

        self.model, self.name = model, tree_kind(model)
        if self.name.startswith("HistGradientBoosting"):
            self.outputs = [_HGBOutput(model, k) for k in range(len(model._predictors[0]))]
        else:
            self.explainer = shap.TreeExplainer(model)

    def shap(self, Z, class_index: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(rows x model inputs) SHAP values and per-row base values, for each row's class."""
        n = len(Z)
        if self.name.startswith("HistGradientBoosting"):
            pairs = [o.shap(Z) for o in self.outputs]
            phi_all, base_all = np.stack([p for p, _ in pairs], axis=2), np.asarray([b for _, b in pairs])
        else:
            # the boosters read their native (categorical) columns by the names they were fitted on
            data = booster_safe(Z) if self.name.startswith(("LGBM", "XGB")) else np.asarray(Z, dtype=np.float64)
            with warnings.catch_warnings():  # e.g. LightGBM's note on the binary output format
                warnings.simplefilter("ignore")
                phi_all = np.asarray(self.explainer.shap_values(data, check_additivity=False), dtype=float)
            base_all = np.atleast_1d(np.asarray(self.explainer.expected_value, dtype=float))
            if phi_all.ndim == 2:
                phi_all = phi_all[:, :, None]
        if phi_all.shape[2] == 1:  # regression, or a binary booster's single log-odds output
            return phi_all[:, :, 0], np.full(n, base_all[0])
        if class_index is None:
            raise NotExplainable("a multi-output model needs the class to explain")
        return phi_all[np.arange(n), :, class_index], base_all[class_index]


# --------------------------------------------------------------------------- the public entry


class TreeShap:
    """SHAP values of a fitted tree model (or an average of tree models) per raw input column.

    Built once per model (explainers are reused for every batch of rows). Classification explains the
    positive class (binary: the second of the sorted classes) or, for multiclass, each row's predicted
    class. Raises :class:`NotExplainable` for other models and ImportError when ``shap`` is missing.
    """

    def __init__(self, model, task: str):
        self.model, self.task = model, task
        leaves, self.offset = _members(model)
        self.leaves = []
        scales = set()
        for weight, preprocess, estimator in leaves:
            tree, transform, classes = _unwrap(estimator)
            scales.add(_scale(tree_kind(tree), task, transform))
            if len(scales) > 1:
                raise NotExplainable(f"its members explain on different scales ({', '.join(sorted(scales))})")
            labels = None if classes is None else [str(c) for c in classes]
            self.leaves.append((weight, preprocess, _TreeModel(tree), labels))
        self.scale = scales.pop()
        if len(self.leaves) > 1 and self.scale != "target" and not self.scale.startswith("probability"):
            # the models average their predictions / probabilities; on a margin or transformed scale the values
            # add up to the members' weighted mean margin, a close but not identical quantity: say so
            if self.offset:
                raise NotExplainable("a stacking ensemble combines its members' outputs on another scale")
            self.scale = f"weighted mean over {len(self.leaves)} models of the {self.scale}"

    def explain(self, X: pd.DataFrame) -> ShapExplanation:
        X = X.reset_index(drop=True)
        raw_columns = [str(c) for c in X.columns]
        explained = None
        if self.task != "regression":
            classes = np.asarray(self.model.classes_, dtype=object)
            if self.task == "binary":
                explained = np.full(len(X), classes[1], dtype=object)
            else:
                explained = classes[np.argmax(np.asarray(self.model.predict_proba(X), dtype=float), axis=1)]
        total = np.zeros((len(X), len(raw_columns)))
        base = np.full(len(X), self.offset, dtype=float)
        for weight, preprocess, tree, labels in self.leaves:
            Z = X if preprocess is None else preprocess.transform(X)
            class_index = None if explained is None else np.asarray([labels.index(str(c)) for c in explained])
            phi, b = tree.shap(Z, class_index)
            names = raw_columns if preprocess is None else _names(Z, preprocess)
            total += weight * phi @ fold_matrix(preprocess, names, raw_columns)
            base += weight * b
        values = pd.DataFrame(total, columns=raw_columns)
        return ShapExplanation(values, base, base + total.sum(axis=1), self.scale, explained)


def tree_shap_values(model, X: pd.DataFrame, task: str) -> ShapExplanation:
    """:class:`TreeShap` of ``model`` on the rows of ``X`` (see there)."""
    return TreeShap(model, task).explain(X)


def mean_abs_shap(explanation: ShapExplanation) -> pd.DataFrame:
    """``feature``, ``mean_abs_shap`` (largest first): how much each raw column moves the output on average."""
    table = pd.DataFrame({"feature": explanation.values.columns,
                          "mean_abs_shap": explanation.values.abs().mean(axis=0).to_numpy()})
    return table.sort_values(["mean_abs_shap", "feature"], ascending=[False, True]).reset_index(drop=True)


def tree_shap_within(model, X: pd.DataFrame, task: str, time_limit: float | None = None,
                     first: int = 10) -> ShapExplanation:
    """:func:`tree_shap_values` on as many of the first rows of ``X`` as ``time_limit`` seconds allow.

    A forest of deep trees costs far more per row than a booster, so rows go in chunks of doubling size
    (``first``, 2 x ``first``, ...), each only when the last chunk's cost says it fits in what is left (the
    first chunk is always explained; importing shap is not counted). The result covers the first
    ``len(result.values)`` rows of ``X``.
    """
    import shap  # noqa: F401 - a one-off cost, not the rows'

    started = time.perf_counter()
    explainer = TreeShap(model, task)
    parts: list[ShapExplanation] = []
    start, size, last_cost = 0, first, 0.0
    while start < len(X):
        if parts and time_limit is not None and time.perf_counter() - started + 2 * last_cost > time_limit:
            break
        t0 = time.perf_counter()
        parts.append(explainer.explain(X.iloc[start:start + size]))
        last_cost = time.perf_counter() - t0
        start, size = start + size, size * 2
    if len(parts) == 1:
        return parts[0]
    return ShapExplanation(
        pd.concat([p.values for p in parts], ignore_index=True),
        np.concatenate([p.base_value for p in parts]), np.concatenate([p.output for p in parts]), parts[0].scale,
        None if parts[0].explained_class is None else np.concatenate([p.explained_class for p in parts]))


def _colour_values(column: pd.Series) -> np.ndarray:
    """0..1 per row: the value's rank among the shown rows (numbers), or its category's position."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.rank(pct=True).to_numpy(dtype=float)
    codes = column.astype("category").cat.codes.to_numpy(dtype=float)
    codes[codes < 0] = np.nan
    return codes / max(1.0, np.nanmax(codes)) if np.isfinite(codes).any() else codes


def shap_summary_figure(explanation: ShapExplanation, X: pd.DataFrame, top: int = 15) -> go.Figure:
    """Beeswarm-like summary: per raw column (top ``top`` by mean |SHAP|), each row's SHAP value coloured by
    the row's value of that column (low = blue, high = red; categories by their order; missing: the middle)."""
    order = mean_abs_shap(explanation)["feature"].head(top).tolist()[::-1]
    X = X.reset_index(drop=True).iloc[: len(explanation.values)]
    rng = np.random.default_rng(0)
    fig = go.Figure()
    for y, feature in enumerate(order):
        shap_col = explanation.values[feature].to_numpy()
        colour = _colour_values(X[feature])
        jitter = rng.uniform(-0.3, 0.3, len(shap_col))
        fig.add_trace(go.Scattergl(
            x=shap_col, y=y + jitter, mode="markers", name=feature, showlegend=False,
            text=[f"{feature} = {v}" for v in X[feature].astype(object)], hoverinfo="text+x",
            marker={"size": 5, "color": np.nan_to_num(colour, nan=0.5), "colorscale": "RdBu_r", "cmin": 0, "cmax": 1,
                    "showscale": y == len(order) - 1,
                    "colorbar": {"title": "feature value", "tickvals": [0, 1], "ticktext": ["low", "high"]}}))
    fig.update_layout(
        title=f"SHAP values of the recommended model ({len(explanation.values)} training rows, top {len(order)} "
              "input columns)",
        xaxis_title=f"SHAP value (contribution to the {explanation.scale})", yaxis_title="input column",
        yaxis={"tickvals": list(range(len(order))), "ticktext": order}, height=300 + 28 * len(order))
    return fig
