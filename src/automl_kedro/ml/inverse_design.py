"""Inverse design: which inputs give the output we want, searched with Optuna through a trained model.

The search space has one dimension per feature column: ``{low, high}`` (a number range),
``{choices: [...]}`` or ``{fixed: value}``; a column not named in ``optimize.space`` ranges over its
training range (numbers) or its training categories. The objective is the predicted target
(``maximize`` / ``minimize``), the distance to a target value, or for classification the
probability of a class. With ``stay_in_domain`` a trial outside the model's applicability domain
scores as the worst training row, so the search is steered back to inputs the model knows, and the
best solution is chosen among in-domain trials.
"""
from __future__ import annotations

import difflib
import json
import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml.inference import Predictor

log = logging.getLogger(__name__)

SAMPLERS = ("tpe", "cmaes", "random", "grid")
BATCH = 10  # trials predicted together (one model call per batch)
SPACE_KEYS = {"low", "high", "choices", "fixed"}


@dataclass
class Dimension:
    column: str
    kind: str  # "float" | "int" | "choice" | "fixed"
    low: float | None = None
    high: float | None = None
    choices: list[Any] = field(default_factory=list)
    value: Any = None

    def describe(self) -> dict[str, Any]:
        if self.kind == "fixed":
            return {"fixed": self.value}
        if self.kind == "choice":
            return {"choices": self.choices}
        return {"low": self.low, "high": self.high, "integer": self.kind == "int"}


def parse_space_setting(space: Any, setting: str = "optimize.space") -> dict[str, Any]:
    """``optimize.space`` as given (a mapping, a JSON text of one, or null) -> a dict."""
    if space is None:
        return {}
    if isinstance(space, str):
        try:
            space = json.loads(space)
        except json.JSONDecodeError as exc:
            raise AutoMLInputError(f"{setting} is not valid JSON ({exc.msg}); give an object "
                                   '{"column": {"low": 1, "high": 2}, ...}.') from None
    if not isinstance(space, dict):
        raise AutoMLInputError(f"{setting} must be an object (column -> {{low, high}} | {{choices}} | {{fixed}}), "
                               f"not {type(space).__name__}.")
    if not space:
        raise AutoMLInputError(f"{setting} is empty; leave it out (null) to search every feature within its "
                               "training range, or name at least one column.")
    return dict(space)


def build_space(space: Any, predictor: Predictor, train_X: pd.DataFrame,
                setting: str = "optimize.space") -> list[Dimension]:
    """One dimension per feature: the user's entries checked against the schema, training ranges elsewhere."""
    given = parse_space_setting(space, setting)
    features = predictor.features
    types = predictor.schema.get("column_types", {})
    unknown = [c for c in given if c not in features]
    if unknown:
        hints = [f"{c!r}" + (f" (did you mean {close[0]!r}?)" if (close := difflib.get_close_matches(c, features, 1))
                             else "") for c in unknown]
        raise AutoMLInputError(f"{setting} names column(s) the model does not use: {', '.join(hints)}. "
                               f"Model columns: {', '.join(features)}.")
    bounds = predictor.domain.bounds()
    dims = []
    for col in features:
        integer = col in bounds["numeric"] and _whole_numbers(train_X[col])
        if given.get(col) is None:
            dims.append(_training_dimension(col, bounds, integer, train_X))
        else:
            dims.append(_given_dimension(col, given[col], bounds, integer, types, f"{setting}.{col}"))
    if all(d.kind == "fixed" or (d.kind == "choice" and len(d.choices) == 1) or
           (d.kind in ("int", "float") and d.low == d.high) for d in dims):
        raise AutoMLInputError(f"{setting} leaves nothing to search: every column is fixed.")
    return dims


def _training_dimension(col: str, bounds: dict[str, Any], integer: bool, train_X: pd.DataFrame) -> Dimension:
    """A column the user left out: its training range or categories, else held at its most common value."""
    if col in bounds["numeric"]:
        lo, hi = bounds["numeric"][col]
        return Dimension(col, "int" if integer else "float", lo, hi)
    if col in bounds["categories"]:
        return Dimension(col, "choice", choices=list(bounds["categories"][col]))
    mode = train_X[col].mode(dropna=True)  # datetime, text, id: held at the most common training value
    return Dimension(col, "fixed", value=None if mode.empty else mode.iloc[0])


def _given_dimension(col: str, entry: Any, bounds: dict[str, Any], integer: bool, types: dict[str, str],
                     where: str) -> Dimension:
    """A column the user named: exactly one of {low, high}, {choices} or {fixed}, checked against its type."""
    if not isinstance(entry, dict):
        raise AutoMLInputError(f"{where} must be an object: {{low, high}}, {{choices: [...]}} or {{fixed: v}}; "
                               f"got {entry!r}.")
    keys = set(entry)
    if not keys or keys - SPACE_KEYS or ("fixed" in keys and len(keys) > 1) or \
            ("choices" in keys and keys & {"low", "high"}):
        raise AutoMLInputError(f"{where}: give exactly one of {{low, high}}, {{choices: [...]}} or {{fixed: v}}; "
                               f"got keys {sorted(keys)}.")
    if "fixed" in keys:
        return Dimension(col, "fixed", value=entry["fixed"])
    if "choices" in keys:
        choices = entry["choices"]
        if not isinstance(choices, list) or not choices:
            raise AutoMLInputError(f"{where}.choices must be a non-empty list; got {choices!r}.")
        return Dimension(col, "choice", choices=list(choices))
    if col not in bounds["numeric"]:
        kind = types.get(col, "non-numeric")
        raise AutoMLInputError(f"{where}: {col!r} is a {kind} column; a range (low/high) needs a number "
                               f"column. Give {{choices: [...]}} or {{fixed: value}} instead.")
    lo_default, hi_default = bounds["numeric"][col]
    try:
        lo = float(entry.get("low", lo_default))
        hi = float(entry.get("high", hi_default))
    except (TypeError, ValueError):
        raise AutoMLInputError(f"{where}: low and high must be numbers; got {entry!r}.") from None
    if lo > hi:
        raise AutoMLInputError(f"{where}: low ({lo:g}) is above high ({hi:g}); swap them.")
    return Dimension(col, "int" if integer and lo.is_integer() and hi.is_integer() else "float", lo, hi)


def _whole_numbers(values: pd.Series) -> bool:
    v = pd.to_numeric(values, errors="coerce").dropna()
    return bool(len(v)) and bool(np.all(np.mod(v, 1) == 0))


@dataclass
class Objective:
    """What a trial's prediction is scored on; ``score`` is always maximised."""

    kind: str  # "maximize" | "minimize" | "target" | "class"
    target: Any = None

    @classmethod
    def from_settings(cls, task: str, direction: str, target: Any, classes: list[str]) -> "Objective":
        if task == "regression":
            if target is None:
                return cls(direction)
            try:
                return cls("target", float(target))
            except (TypeError, ValueError):
                raise AutoMLInputError(f"optimize.target must be a number for a regression model; got {target!r}.") \
                    from None
        if target is None or str(target) not in classes:
            raise AutoMLInputError(f"optimize.target: name the class whose probability to maximise, one of "
                                   f"{', '.join(classes)}; got {target!r}.")
        return cls("class", str(target))

    def value(self, out: pd.DataFrame) -> np.ndarray:
        """The quantity the user reads: prediction, distance to target, or class probability."""
        if self.kind == "class":
            return out[f"proba_{self.target}"].to_numpy(dtype=float)
        y = out["y_pred"].to_numpy(dtype=float)
        return np.abs(y - self.target) if self.kind == "target" else y

    def score(self, value: np.ndarray) -> np.ndarray:
        return -value if self.kind in ("minimize", "target") else value

    def describe(self) -> str:
        return {"maximize": "maximise the prediction", "minimize": "minimise the prediction",
                "target": f"approach {self.target}", "class": f"maximise P({self.target})"}[self.kind]


@dataclass
class OptimizeResult:
    trials: pd.DataFrame
    best: dict[str, Any]
    figures: dict[str, Any]


def _sampler(name: str, dims: list[Dimension], n_trials: int, seed: int):
    import optuna

    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, n_startup_trials=min(20, n_trials // 4 + 1)), n_trials
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed), n_trials
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False), n_trials
    grid = _grid(dims, n_trials)
    size = math.prod(len(v) for v in grid.values())
    return optuna.samplers.GridSampler(grid, seed=seed), min(n_trials, size)


def _grid(dims: list[Dimension], n_trials: int) -> dict[str, list[Any]]:
    """Every choice of each categorical, and as many evenly spaced values per range as the trials allow."""
    searched = [d for d in dims if d.kind != "fixed"]
    fixed_size = math.prod(len(d.choices) for d in searched if d.kind == "choice")
    ranges = [d for d in searched if d.kind in ("int", "float")]
    per_range = max(2, int((n_trials / max(fixed_size, 1)) ** (1 / max(len(ranges), 1))))
    grid: dict[str, list[Any]] = {}
    for d in searched:
        if d.kind == "choice":
            grid[d.column] = list(d.choices)
        else:
            values = np.linspace(d.low, d.high, per_range)
            grid[d.column] = sorted({int(round(v)) for v in values}) if d.kind == "int" else values.tolist()
    return grid


def _suggest(trial, d: Dimension):
    if d.kind == "float":
        return trial.suggest_float(d.column, d.low, d.high) if d.low < d.high else d.low
    if d.kind == "int":
        return trial.suggest_int(d.column, int(d.low), int(d.high)) if d.low < d.high else int(d.low)
    if d.kind == "choice":
        return trial.suggest_categorical(d.column, d.choices) if len(d.choices) > 1 else d.choices[0]
    return d.value


def optimize(predictor: Predictor, dims: list[Dimension], objective: Objective, *, n_trials: int = 200,
             sampler: str = "tpe", stay_in_domain: bool = True, seed: int = 42,
             worst_score: float | None = None, min_domain_score: float = 0.0,
             starts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run the study (ask/tell in batches) -> one row per trial: inputs, prediction, domain, value, score.

    ``accepted``: in domain with ``domain_score >= min_domain_score`` (inverse design pushes towards the
    domain's edge, so it may ask for more margin than predict's in_domain); with ``stay_in_domain`` the
    other trials score as ``worst_score``. ``starts``: input rows tried first (the best training rows: the
    search then refines known good inputs instead of finding the domain from scratch).
    """
    import optuna

    if sampler not in SAMPLERS:
        raise AutoMLInputError(f"optimize.sampler must be one of {', '.join(SAMPLERS)}; got {sampler!r}.")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    chosen, n_trials = _sampler(sampler, dims, n_trials, seed)
    study = optuna.create_study(direction="maximize", sampler=chosen)
    if starts is not None and sampler != "grid":
        for params in warm_starts(starts, dims):
            study.enqueue_trial(params, skip_if_exists=True)
    rows: list[pd.DataFrame] = []
    done = 0
    while done < n_trials:
        batch = [study.ask() for _ in range(min(BATCH, n_trials - done))]
        inputs = pd.DataFrame([{d.column: _suggest(t, d) for d in dims} for t in batch])
        out = predictor.predict(inputs)
        value = objective.value(out)
        score = objective.score(value)
        accepted = out["in_domain"].to_numpy(dtype=bool) & (out["domain_score"].to_numpy(dtype=float) >= min_domain_score)
        if stay_in_domain:
            penalty = worst_score if worst_score is not None else float(np.min(score)) - 1.0
            score = np.where(accepted, score, np.minimum(score, penalty))
        for t, s in zip(batch, score):
            study.tell(t, float(s))
        frame = pd.concat([pd.DataFrame({"trial": [t.number for t in batch]}), inputs, out], axis=1)
        frame["accepted"] = accepted
        frame["objective"] = value
        frame["score"] = score
        rows.append(frame)
        done += len(batch)
    return pd.concat(rows, ignore_index=True)


def warm_starts(rows: pd.DataFrame, dims: list[Dimension]) -> list[dict[str, Any]]:
    """The rows that lie inside the search space, as Optuna parameters."""
    out = []
    for _, row in rows.iterrows():
        params, inside = {}, True
        for d in dims:
            value = row.get(d.column)
            if d.kind == "fixed" or (d.kind == "choice" and len(d.choices) == 1) or \
                    (d.kind in ("int", "float") and d.low == d.high):
                continue
            if pd.isna(value):
                inside = False
            elif d.kind == "choice":
                match = [c for c in d.choices if str(c) == str(value) or c == value]
                inside = inside and bool(match)
                params[d.column] = match[0] if match else None
            else:
                number = float(value)
                inside = inside and d.low <= number <= d.high
                params[d.column] = int(round(number)) if d.kind == "int" else number
            if not inside:
                break
        if inside:
            out.append(params)
    return out


def best_solution(trials: pd.DataFrame, dims: list[Dimension], objective: Objective, *,
                  stay_in_domain: bool = True) -> dict[str, Any]:
    """The best trial (among accepted in-domain ones when asked and there are any)."""
    pool = trials[trials["accepted"]] if stay_in_domain and trials["accepted"].any() else trials
    row = pool.loc[objective.score(pool["objective"]).idxmax()]  # the unpenalised score
    best = {
        "trial": int(row["trial"]), "objective": objective.describe(),
        "inputs": {d.column: _plain(row[d.column]) for d in dims},
        "y_pred": _plain(row["y_pred"]), "in_domain": bool(row["in_domain"]),
        "domain_score": float(row["domain_score"]), "domain_reason": str(row["domain_reason"]),
        "value": float(row["objective"]),
    }
    if "y_lower" in row:
        best["interval"] = [float(row["y_lower"]), float(row["y_upper"])]
    probas = {c[len("proba_"):]: float(row[c]) for c in trials.columns if c.startswith("proba_")}
    if probas:
        best["probabilities"] = probas
    if "pred_set" in row:
        best["pred_set"] = str(row["pred_set"]).split("|")
    if stay_in_domain and not trials["accepted"].any():
        best["warning"] = "no trial was inside the applicability domain; this solution is an extrapolation"
    return best


def _plain(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


# ---------------------------------------------------------------- figures
def history_figure(trials: pd.DataFrame, objective: Objective) -> go.Figure:
    ok = trials["accepted"].to_numpy(dtype=bool)
    best = trials["score"].where(trials["accepted"]).cummax()
    best_value = trials["objective"].where(trials["accepted"] & (trials["score"] == best))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=trials["trial"][ok], y=trials["objective"][ok], mode="markers", name="in domain"))
    fig.add_trace(go.Scatter(x=trials["trial"][~ok], y=trials["objective"][~ok], mode="markers",
                             name="out of domain (or below optimize.min_domain_score)", marker={"color": "lightgray"}))
    fig.add_trace(go.Scatter(x=trials["trial"], y=best_value.ffill(), mode="lines", name="best so far",
                             line={"shape": "hv"}))
    fig.update_layout(title=f"Optimisation history ({objective.describe()})", xaxis_title="trial",
                      yaxis_title="objective")
    return fig


def parallel_figure(trials: pd.DataFrame, dims: list[Dimension]) -> go.Figure:
    columns = []
    for d in dims:
        if d.kind == "fixed":
            continue
        if d.kind == "choice":
            codes = {c: i for i, c in enumerate(d.choices)}
            columns.append({"label": d.column, "values": trials[d.column].map(codes).tolist(),
                            "tickvals": list(codes.values()), "ticktext": [str(c) for c in codes]})
        else:
            columns.append({"label": d.column, "values": trials[d.column].tolist()})
    columns.append({"label": "objective", "values": trials["objective"].tolist()})
    fig = go.Figure(go.Parcoords(line={"color": trials["objective"], "colorscale": "Viridis", "showscale": True},
                                 dimensions=columns))
    fig.update_layout(title="Trials: inputs and objective")
    return fig


def top_k(trials: pd.DataFrame, k: int, stay_in_domain: bool = True) -> pd.DataFrame:
    pool = trials[trials["accepted"]] if stay_in_domain and trials["accepted"].any() else trials
    return pool.sort_values("score", ascending=False).head(k)


def table_figure(top: pd.DataFrame, columns: list[str]) -> go.Figure:
    shown = top[columns]
    cells = [[f"{v:.4g}" if isinstance(v, float) else str(v) for v in shown[c]] for c in columns]
    fig = go.Figure(go.Table(header={"values": columns}, cells={"values": cells}))
    fig.update_layout(title=f"Top {len(top)} trials")
    return fig
