"""The report phase: one node over whatever the other phases left.

Run alone (``--pipeline=report``), it reads the optional twins of the phases' outputs
(``<entry>@optional`` in conf/base/catalog_report.yml): a missing file loads as None and the
report says what is missing. Inside the train chain it reads the real entries, which orders it
after the phases (Kedro refuses a pipeline that mixes ``x`` and ``x@optional``); those exist
there by construction. Files no node produces (train's meta.json, feature importance) are
always read optionally.
"""
from kedro.pipeline import Pipeline, node, pipeline

from .nodes import build_report

PRODUCED = [
    "train.recommendation",
    "train.leaderboard",
    "evaluate.metrics",
    "audit_dataset.audit_report",
    "build_dataset.schema",
    "build_dataset.dataset_info",
    "train.metrics",
]
ALWAYS_OPTIONAL = ["train.meta@optional", "train.feature_importance@optional"]


def create_pipeline(optional_inputs: bool = True, **kwargs) -> Pipeline:
    produced = [f"{name}@optional" for name in PRODUCED] if optional_inputs else list(PRODUCED)
    upstream = [*produced, *ALWAYS_OPTIONAL]
    return pipeline(
        [
            node(
                build_report,
                inputs=[*upstream, "plots", "run.info", "inventory", "params:report"],
                outputs=["report_md", "missing_artifacts"],
                name="build_report",
            )
        ],
        namespace="report",
        inputs={*upstream, "run.info"},
        parameters={"params:report"},
    )
