"""report: the Decision Summary page, from the outputs of every phase."""
from __future__ import annotations

from automl_kedro.report.render import missing_artifacts, render_report


def build_report(recommendation, leaderboard, test_metrics, audit_report, schema, dataset_info, run_info, inventory, params_report):
    markdown = render_report(
        recommendation, leaderboard, test_metrics, audit_report, schema, dataset_info, run_info, inventory,
        top_k=params_report["top_k"],
    )
    return markdown, missing_artifacts(inventory)
