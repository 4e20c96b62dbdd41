"""optimize: which inputs give the output we want (Optuna through the trained model, one phase, one task)."""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from automl_kedro.config.optimize import OptimizeParams
from automl_kedro.config.predict import PredictParams
from automl_kedro.ml import inverse_design as inv
from automl_kedro.ml.position_map import position_map
from automl_kedro.pipelines.predict.nodes import build_predictor, training_rows

logger = logging.getLogger(__name__)
N_STARTS = 5  # best training rows tried first


def optimize_inputs(model, schema: dict[str, Any], dataset: pd.DataFrame, oof: pd.DataFrame | None,
                    train_meta: dict[str, Any], params_optimize: dict[str, Any], params_predict: dict[str, Any],
                    run_info: dict[str, Any]):
    """Search the inputs -> (trials, best_solution, summary scalars, plots)."""
    params = OptimizeParams.model_validate(params_optimize or {})
    predictor = build_predictor(model, schema, dataset, oof, PredictParams.model_validate(params_predict or {}))
    train = training_rows(dataset)
    features = list(schema["feature_columns"])
    dims = inv.build_space(params.space, predictor, train[features])
    objective = inv.Objective.from_settings(schema["problem_type"], params.direction, params.target,
                                            [str(c) for c in schema.get("classes") or []])
    y = train[schema["target"]]
    if objective.kind == "class":
        worst = 0.0
    else:
        worst = float(np.min(objective.score(objective.value(pd.DataFrame({"y_pred": y.astype(float)})))))
    # warm start: the training rows that score best (their own target stands in for the prediction)
    target_as_pred = pd.DataFrame({"y_pred": y.astype(float) if objective.kind != "class" else np.nan,
                                   **({f"proba_{objective.target}": (y.astype(str) == objective.target).astype(float)}
                                      if objective.kind == "class" else {})})
    ranked = train.iloc[np.argsort(-objective.score(objective.value(target_as_pred)), kind="stable")]
    trials = inv.optimize(predictor, dims, objective, n_trials=params.n_trials, sampler=params.sampler,
                          stay_in_domain=params.stay_in_domain, seed=params.seed, worst_score=worst,
                          min_domain_score=params.min_domain_score, starts=ranked.head(N_STARTS)[features])
    best = inv.best_solution(trials, dims, objective, stay_in_domain=params.stay_in_domain)
    best.update({"train_run_id": train_meta.get("run_id"), "model_name": train_meta.get("model_name"),
                 "sampler": params.sampler, "n_trials": int(len(trials)), "run_id": run_info["run_id"]})
    if schema["problem_type"] == "regression":
        best["training_target"] = {"min": float(y.min()), "p95": float(y.quantile(0.95)), "max": float(y.max())}
    n_out = int((~trials["accepted"]).sum())
    logger.info("optimize: %s over %d trials (%s); best trial %d: %s -> %s", objective.describe(), len(trials),
                params.sampler, best["trial"], best["inputs"], best["y_pred"])
    if n_out:
        logger.warning("%d of %d trials fell outside the applicability domain (or within optimize.min_domain_score "
                       "of its edge)%s.", n_out, len(trials),
                       " and were scored as the worst training row" if params.stay_in_domain else "")
    if best.get("warning"):
        logger.warning("optimize: %s.", best["warning"])
    summary = {"best_value": best["value"], "n_trials": len(trials), "n_out_of_domain": n_out,
               "best_trial": best["trial"]}
    if isinstance(best["y_pred"], (int, float)):
        summary["best_y_pred"] = float(best["y_pred"])
    top = inv.top_k(trials, params.top_k, params.stay_in_domain)
    shown = ["trial", *[d.column for d in dims if d.kind != "fixed"], "y_pred",
             *[c for c in ("y_lower", "y_upper") if c in top], "objective", "in_domain"]
    plots = {
        "01_optimize/history": inv.history_figure(trials, objective),
        "01_optimize/parallel_coordinates": inv.parallel_figure(trials, dims),
        "01_optimize/top_k": inv.table_figure(top, shown),
        "02_position/input_position": position_map(predictor.domain, train[features], y, top[features],
                                                   top["in_domain"], title=f"Top {len(top)} solutions over the "
                                                   "training data", labels=top["trial"]),
    }
    return trials, best, summary, plots
