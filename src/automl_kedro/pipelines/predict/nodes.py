"""predict: a trained run's model on new rows, with intervals or prediction sets and an applicability check."""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from automl_kedro.config.predict import PredictParams
from automl_kedro.data.predict_input import CheckedRows, check_rows
from automl_kedro.ml.applicability import unseen_category_warnings
from automl_kedro.ml.inference import Predictor
from automl_kedro.ml.position_map import position_map
from automl_kedro.ml.row_explanations import row_contributions, top_contributions
from automl_kedro.ml.shap_values import NotExplainable, shap_installed, tree_shap_values

logger = logging.getLogger(__name__)
SHOWN_OUT_OF_DOMAIN = 20


def training_rows(dataset: pd.DataFrame) -> pd.DataFrame:
    """The rows the model learnt from (train and val; never the test rows)."""
    return dataset[dataset["split"].isin(["train", "val"])].reset_index(drop=True)


def build_predictor(model, schema: dict[str, Any], dataset: pd.DataFrame, oof: pd.DataFrame | None,
                    params: PredictParams) -> Predictor:
    return Predictor.build(model, schema, training_rows(dataset), oof, params.interval,
                           normalised=params.normalised_intervals, alpha=params.domain_alpha,
                           range_margin=params.domain_range_margin)


def predict_checked(predictor: Predictor, checked: CheckedRows) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Predictions for checked rows and a summary (counts, warnings); logs what the user should see."""
    warnings = [*checked.warnings, *unseen_category_warnings(checked.X, predictor.domain)]
    out = predictor.predict(checked.X)
    out.insert(0, "sample_id", checked.sample_id.to_numpy())
    n_out = int((~out["in_domain"]).sum())
    for note in checked.notes:
        logger.info(note)
    for warning in warnings:
        logger.warning(warning)
    if n_out:
        logger.warning("%d of %d new row(s) are outside the model's applicability domain (in_domain=false); "
                       "their predictions are extrapolations (see domain_reason).", n_out, len(out))
    summary = {
        "n_rows": int(len(out)), "n_in_domain": int(len(out) - n_out), "n_out_of_domain": n_out,
        "share_in_domain": float(1 - n_out / len(out)) if len(out) else 1.0,
        **predictor.describe(), "notes": checked.notes, "warnings": warnings,
        "out_of_domain": out.loc[~out["in_domain"], ["sample_id", "domain_score", "domain_reason"]]
        .head(SHOWN_OUT_OF_DOMAIN).to_dict("records"),
    }
    if "y_lower" in out:
        summary["interval_mean_width"] = float((out["y_upper"] - out["y_lower"]).mean())
    if "pred_set" in out:
        summary["set_mean_size"] = float(out["pred_set"].str.split("|").map(len).mean())
    return out, summary


def uncertainty_table(out: pd.DataFrame) -> pd.DataFrame:
    """Per-row uncertainty: interval width, or confidence, entropy and set size; plus the domain score."""
    table = pd.DataFrame({"sample_id": out["sample_id"]})
    if "y_lower" in out:
        table["y_lower"], table["y_upper"] = out["y_lower"], out["y_upper"]
        table["interval_width"] = out["y_upper"] - out["y_lower"]
    proba = out[[c for c in out if c.startswith("proba_")]].to_numpy(dtype=float)
    if proba.size:
        table["confidence"] = proba.max(axis=1)
        table["entropy"] = -(proba * np.log(np.clip(proba, 1e-12, 1))).sum(axis=1)
    if "pred_set" in out:
        table["set_size"] = out["pred_set"].str.split("|").map(len)
    table["in_domain"], table["domain_score"] = out["in_domain"], out["domain_score"]
    return table


def summary_markdown(summary: dict[str, Any], meta: dict[str, Any]) -> str:
    lines = [f"# Predictions of {meta.get('model_name') or 'the model'} (train run {meta.get('run_id')})", "",
             f"- rows: {summary['n_rows']}; in the applicability domain: {summary['n_in_domain']}; "
             f"**out of domain: {summary['n_out_of_domain']}**"]
    if "interval_mean_width" in summary:
        lines.append(f"- {summary['interval_level']:.0%} prediction intervals ({summary['interval_method']}), "
                     f"mean width {summary['interval_mean_width']:.4g}")
    if "set_mean_size" in summary:
        lines.append(f"- {summary['interval_level']:.0%} prediction sets ({summary['set_method']}), "
                     f"mean size {summary['set_mean_size']:.2f}")
    for title, items in (("Warnings", summary["warnings"]), ("Notes", summary["notes"])):
        if items:
            lines += ["", f"## {title}", *[f"- {w}" for w in items]]
    if summary["out_of_domain"]:
        lines += ["", "## Rows out of domain", "", "| sample_id | score | reason |", "|---|---|---|"]
        lines += [f"| {r['sample_id']} | {r['domain_score']:.3f} | {r['domain_reason']} |" for r in summary["out_of_domain"]]
    return "\n".join(lines) + "\n"


def predict(model, schema: dict[str, Any], dataset: pd.DataFrame, oof: pd.DataFrame | None,
            train_meta: dict[str, Any], rows: pd.DataFrame, model_file, params_predict: dict[str, Any],
            run_info: dict[str, Any]):
    """New rows -> (predictions, uncertainty, summary, summary markdown, plots, explanations).

    ``rows`` are the new rows (catalog: the file named by ``predict.input_path``); ``model_file`` is the
    model named by ``predict.model_path``, used instead of the train run's ``model``, or None.
    """
    params = PredictParams.model_validate(params_predict or {})
    train = training_rows(dataset)
    checked = check_rows(rows, schema, train)
    if model_file is not None:
        model = model_file
    predictor = build_predictor(model, schema, dataset, oof, params)
    out, summary = predict_checked(predictor, checked)
    out["model_name"] = train_meta.get("model_name")
    out["model_version"] = params.model_path or train_meta.get("run_id")
    out["dataset_hash"] = train_meta.get("dataset_hash")
    out["run_id"] = run_info["run_id"]
    summary.update({"train_run_id": train_meta.get("run_id"), "model_path": params.model_path})
    features = list(schema["feature_columns"])
    plots = {"01_position/input_position": position_map(
        predictor.domain, train[features], train[schema["target"]], checked.X, out["in_domain"],
        labels=out["sample_id"])}
    explanations = explain_rows(predictor, checked, train[features], params)
    summary["n_explained"] = int(explanations["sample_id"].nunique())
    summary["explain_method"] = explanations["method"].iloc[0] if len(explanations) else None
    return out, uncertainty_table(out), summary, summary_markdown(summary, train_meta), plots, explanations


def explain_rows(predictor: Predictor, checked: CheckedRows, background: pd.DataFrame,
                 params: PredictParams) -> pd.DataFrame:
    """Top contributions of the raw input columns for the first ``explain_max_rows`` rows (header only when off).

    ``method`` says which explanation each row got: ``shap`` (TreeSHAP of a tree model, on ``scale``: the
    model's raw output) or ``occlusion`` (any model: y_pred or the predicted class's probability).
    """
    if not params.explain:
        return _with_method(top_contributions(pd.DataFrame(columns=predictor.features), checked.X.head(0),
                                              checked.sample_id.head(0)), "", "")
    X = checked.X.head(params.explain_max_rows)
    if len(checked.X) > len(X):
        logger.info("explanations: the first %d of %d rows (predict.explain_max_rows)", len(X), len(checked.X))
    from threadpoolctl import threadpool_limits

    ids = checked.sample_id.head(len(X))
    with threadpool_limits(1):
        shap = _shap_explanation(predictor, X, params)
        if shap is not None:
            return _with_method(top_contributions(shap.values, X, ids, params.explain_top), "shap", shap.scale)
        contrib = row_contributions(predictor.model, X, background, predictor.task)
    scale = "y_pred" if predictor.task == "regression" else "probability of the predicted class"
    return _with_method(top_contributions(contrib, X, ids, params.explain_top), "occlusion", scale)


def _shap_explanation(predictor: Predictor, X: pd.DataFrame, params: PredictParams):
    """SHAP values when ``predict.explain_method`` allows and the model is tree-based; else None (logged why)."""
    if params.explain_method == "occlusion":
        return None
    report = logger.warning if params.explain_method == "shap" else logger.info
    if not shap_installed():
        report("explanations: occlusion (model-agnostic); SHAP needs the shap package "
               "(pip install 'automl_kedro[explain]')")
        return None
    try:
        return tree_shap_values(predictor.model, X, predictor.task)
    except NotExplainable as exc:
        report("explanations: occlusion (model-agnostic); SHAP does not apply: %s", exc)
    except Exception as exc:  # noqa: BLE001 - an explanation never fails the run
        logger.warning("explanations: occlusion (model-agnostic); SHAP failed: %s", exc)
    return None


def _with_method(table: pd.DataFrame, method: str, scale: str) -> pd.DataFrame:
    return table.assign(method=method, scale=scale)
