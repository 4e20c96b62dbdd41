"""audit_dataset: a thin wrapper over :mod:`automl_kedro.data.audit` and its figures."""
from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from automl_kedro.data.audit import audit, audit_settings
from automl_kedro.data.figures import audit_figures

logger = logging.getLogger(__name__)


def audit_dataset(dataset: pd.DataFrame, schema: dict[str, Any], params_audit: dict[str, Any]):
    """Check the data -> (audit_report, audit_report_md, plots)."""
    settings = audit_settings(params_audit)  # defaults from AuditParams, the one source
    report, markdown = audit(dataset, schema, settings)
    plots = audit_figures(dataset, schema, report, top_n=int(settings["top_n"]),
                          sample_rows=int(settings["plot_sample_rows"]), seed=int(settings["seed"]))
    for finding in report["findings"]:
        if finding["severity"] != "info":
            logger.warning("audit %s: %s — %s", finding["severity"], finding["title"], finding["detail"])
    logger.info("audit verdict: %s", report["summary"]["verdict"])
    return report, markdown, plots
