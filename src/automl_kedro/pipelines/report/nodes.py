"""report: the Decision Summary page, from whatever outputs of the phases exist."""
from __future__ import annotations

import platform
from importlib import metadata

from automl_kedro.report.render import ReportInputs, build_markdown, missing_artifacts

VERSIONED = ("automl-kedro", "scikit-learn", "pandas", "kedro")


def environment() -> dict[str, str]:
    """Python and key package versions (at report time) for the reproducibility check."""
    versions = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def build_report(recommendation, leaderboard, test_metrics, audit_report, schema, dataset_info, train_metrics,
                 shap_importance, train_meta, feature_importance, plots, run_info, inventory, params_report):
    inputs = ReportInputs(
        run_info=run_info, recommendation=recommendation, leaderboard=leaderboard, test_metrics=test_metrics,
        audit_report=audit_report, schema=schema, dataset_info=dataset_info, inventory=inventory or [],
        train_metrics=train_metrics, train_meta=train_meta, feature_importance=feature_importance,
        shap_importance=shap_importance, plots=plots,
        environment=environment(), top_k=params_report["top_k"],
    )
    return build_markdown(inputs), missing_artifacts(inventory)
