"""The report phase: one node over whatever the other phases left.

Inside the train chain (the default, ``create_pipeline()``) it reads the phases' real entries,
which orders it after them; they exist there by construction. Registered alone
(``create_pipeline(optional_inputs=True)``, the ``report`` pipeline) it reads their optional twins
(``<entry>@optional`` in conf/base/catalog_report.yml): a missing file loads as None and the
report says what is missing. Kedro refuses one pipeline that mixes ``x`` and ``x@optional``,
hence two variants. Files no node produces (train's meta.json, feature importance) are always
read optionally.
"""
from kedro.pipeline import Pipeline, node, pipeline

from .nodes import build_report

PRODUCED = [
    "recommendation",
    "leaderboard",
    "test_metrics",
    "audit_report",
    "dataset_schema",
    "dataset_info",
    "train_metrics",
    "shap_importance",
]
# Files of train that no node outputs under a catalog name here: read under the report's own names.
ALWAYS_OPTIONAL = ["train_meta", "feature_importance"]


def create_pipeline(optional_inputs: bool = False, **kwargs) -> Pipeline:
    produced = [f"{name}@optional" for name in PRODUCED] if optional_inputs else list(PRODUCED)
    return pipeline(
        [
            node(
                build_report,
                inputs=[*produced, *ALWAYS_OPTIONAL, "plots", "run_info", "inventory", "params:report"],
                outputs=["report_md", "missing_artifacts"],
                name="build_report",
            )
        ],
        namespace="report",
        inputs={*produced, "run_info"},
        parameters={"params:report"},
    )
