"""monitor: a trained model (the champion by default) watches a batch of new rows.

Drift of every feature against the model's training rows, performance when the batch is
labelled, alerts against thresholds, and one row for the monitoring log shared by all batches.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd


from automl_kedro.errors import AutoMLInputError
from automl_kedro.ml.applicability import DomainModel
from automl_kedro.ml.drift import DriftThresholds, drift_table
from automl_kedro.ml.evaluation import evaluate_predictions
from automl_kedro.ml.metrics import get_metric


def out_of_domain_share(model, reference: pd.DataFrame, batch: pd.DataFrame, schema: dict[str, Any]) -> float | None:
    """Share of batch rows outside the training data's domain (the applicability check predict uses)."""
    features = [c for c in schema["feature_columns"] if c in batch.columns]
    if batch.empty or not features:
        return None
    domain = DomainModel.fit(reference[features], schema["column_types"])
    return float(1.0 - domain.score(batch[features])["in_domain"].mean())


def _performance(model, batch: pd.DataFrame, schema: dict[str, Any], train_metrics: dict[str, Any]) -> dict[str, Any] | None:
    target = schema["target"]
    if target not in batch.columns or batch[target].notna().sum() == 0:
        return None
    labelled = batch[batch[target].notna()]
    result = evaluate_predictions(model, labelled[schema["feature_columns"]], labelled[target],
                                  schema["problem_type"], schema.get("classes"))
    metric = train_metrics.get("primary_metric")
    return {"labelled_rows": int(len(labelled)), "primary_metric": metric,
            "score": result.metrics.get(metric), "cv_score": train_metrics.get(metric),
            "metrics": {k: v for k, v in result.metrics.items() if v is not None}}


def _alerts(drift: pd.DataFrame, performance: dict[str, Any] | None, ood: float | None,
            params: dict[str, Any]) -> list[str]:
    alerts = []
    shifted = drift.loc[drift["severity"] == "alert", "feature"].tolist()
    if shifted:
        alerts.append("drift: " + ", ".join(shifted))
    if performance and performance.get("score") is not None and performance.get("cv_score") is not None:
        spec = get_metric(performance["primary_metric"])
        drop = spec.sign() * (performance["cv_score"] - performance["score"])
        performance["drop_vs_cv"] = drop
        if drop > params["max_metric_drop"]:
            alerts.append(f"performance: {spec.name} {performance['score']:.4g} is {drop:.4g} below the CV score "
                          f"{performance['cv_score']:.4g} (limit {params['max_metric_drop']})")
    if ood is not None and ood > params["max_out_of_domain_share"]:
        alerts.append(f"out of domain: {ood:.0%} of rows (limit {params['max_out_of_domain_share']:.0%})")
    return alerts


def monitor_batch(model, train_meta: dict[str, Any], train_metrics: dict[str, Any], dataset: pd.DataFrame,
                  schema: dict[str, Any], batch: pd.DataFrame, params_monitor: dict[str, Any], run_info: dict[str, Any]):
    """drift.csv, performance.json ({}: not written, when the batch has no labels), the monitor
    summary and a log row."""
    lacking = [c for c in schema["feature_columns"] if c not in batch.columns]
    if len(lacking) == len(schema["feature_columns"]):
        raise AutoMLInputError(
            f"The batch (monitor.input_path) has none of the model's feature columns ({', '.join(lacking)}); "
            "is it the right file?"
        )
    reference = dataset[dataset["split"] != "test"]
    thresholds = DriftThresholds(params_monitor["psi_warning"], params_monitor["psi_alert"],
                                 params_monitor["drift_pvalue"], params_monitor["bins"])
    drift = drift_table(reference, batch, schema["column_types"], thresholds)
    performance = _performance(model, batch, schema, train_metrics) if not lacking else None
    ood = out_of_domain_share(model, reference, batch, schema)
    alerts = _alerts(drift, performance, ood, params_monitor)
    counts = drift["severity"].value_counts()
    summary = {
        "n_rows": int(len(batch)),
        "labelled": performance is not None,
        "features_alert": int(counts.get("alert", 0)),
        "features_warning": int(counts.get("warning", 0)),
        "max_psi": float(np.nanmax(drift["psi"])) if drift["psi"].notna().any() else float("nan"),
        "alerts": len(alerts),
        **({"score": performance["score"]} if performance and performance.get("score") is not None else {}),
        **({"out_of_domain_share": ood} if ood is not None else {}),
    }
    log_row = pd.DataFrame([{
        "monitor_run_id": run_info["run_id"],
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model_run_id": train_meta.get("run_id"),
        "dataset_key": run_info.get("dataset_key"),
        "target": schema["target"],
        "input_path": params_monitor.get("input_path"),
        "n_rows": summary["n_rows"],
        "labelled": summary["labelled"],
        "primary_metric": (performance or {}).get("primary_metric"),
        "score": (performance or {}).get("score"),
        "cv_score": (performance or {}).get("cv_score"),
        "features_alert": summary["features_alert"],
        "features_warning": summary["features_warning"],
        "max_psi": summary["max_psi"],
        "drifted_features": ";".join(drift.loc[drift["severity"] != "none", "feature"]),
        "out_of_domain_share": ood,
        "alert": bool(alerts),
        "alerts": " | ".join(alerts),
    }])
    return drift, performance or {}, summary, log_row
