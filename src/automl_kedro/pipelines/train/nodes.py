"""train (v0): cross-validate a few model families, pick on CV, refit the best."""
from __future__ import annotations

import pickle
import time
from typing import Any

import numpy as np
import pandas as pd
import plotly.express as px
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.pipeline import Pipeline


def _models(problem: str, seed: int) -> dict[str, Any]:
    if problem == "regression":
        return {"hist_gradient_boosting": HistGradientBoostingRegressor(random_state=seed), "random_forest": RandomForestRegressor(random_state=seed), "linear": Ridge()}
    return {"hist_gradient_boosting": HistGradientBoostingClassifier(random_state=seed), "random_forest": RandomForestClassifier(random_state=seed), "linear": LogisticRegression(max_iter=1000)}


def train_candidates(dataset, schema, preprocessors, params_train, params_split, study_storage):
    train = dataset[dataset["split"].isin(["train", "val"])]
    X, y = train[schema["feature_columns"]], train[schema["target"]]
    problem, seed = schema["problem_type"], params_train["seed"]
    if problem == "regression":
        cv, metric = KFold(params_train["cv_folds"], shuffle=True, random_state=seed), "r2"
    else:
        y = y.astype(str)
        cv, metric = StratifiedKFold(params_train["cv_folds"], shuffle=True, random_state=seed), "accuracy"
    rows, candidates = [], []
    for pre_id, pre in preprocessors.items():
        for name, est in _models(problem, seed).items():
            if name not in params_train["models"]:
                continue
            pipe = Pipeline([("preprocess", clone(pre)), ("model", est)])
            scores = cross_validate(pipe, X, y, cv=cv, scoring=metric, n_jobs=params_train["n_jobs"])
            fitted = clone(pipe).fit(X, y)
            start = time.perf_counter(); fitted.predict(X); predict_s = time.perf_counter() - start
            row = {"candidate_id": f"{pre_id}/{name}", "preprocess_id": pre_id, "model": name, "status": "ok", "error": None,
                   f"cv_{metric}_mean": float(np.mean(scores["test_score"])), f"cv_{metric}_std": float(np.std(scores["test_score"])),
                   "fit_seconds": float(np.mean(scores["fit_time"])), "predict_seconds": predict_s, "size_bytes": len(pickle.dumps(fitted))}
            rows.append(row)
            candidates.append({"candidate_id": row["candidate_id"], "preprocess_id": pre_id, "model": name, "params": est.get_params(), "status": "ok", "error": None,
                               "scalars": {f"metric/{metric}": row[f"cv_{metric}_mean"], f"metric/{metric}_std": row[f"cv_{metric}_std"], "time/train_seconds": row["fit_seconds"], "time/predict_seconds": predict_s, "model/size_bytes": row["size_bytes"], "model/num_rows_train": len(X)},
                               "figures": {}, "fitted": fitted})
    leaderboard = pd.DataFrame(rows).sort_values(f"cv_{metric}_mean", ascending=False).reset_index(drop=True)
    best = leaderboard.iloc[0]
    model = next(c["fitted"] for c in candidates if c["candidate_id"] == best["candidate_id"])
    for c in candidates:
        c.pop("fitted")
    recommendation = {"primary_metric": metric, "recommended": {"candidate_id": best["candidate_id"], "model": best["model"], "preprocess_id": best["preprocess_id"], "score": float(best[f"cv_{metric}_mean"])},
                      "model_name": best["model"], "preprocess_id": best["preprocess_id"], "alternatives": {}, "rationale": f"Highest mean cross-validated {metric}."}
    metrics = {"split": "cv", metric: float(best[f"cv_{metric}_mean"]), f"{metric}_std": float(best[f"cv_{metric}_std"]), "n_train": int(len(X)), "seed": seed}
    plots = {"02_leaderboard/tradeoff": px.scatter(leaderboard, x="predict_seconds", y=f"cv_{metric}_mean", size="size_bytes", hover_name="candidate_id")}
    return model, model.named_steps["preprocess"], metrics, leaderboard, recommendation, candidates, plots
