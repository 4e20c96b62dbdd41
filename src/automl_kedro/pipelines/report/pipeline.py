from kedro.pipeline import Pipeline, node, pipeline

from .nodes import build_report

UPSTREAM = [
    "train.recommendation",
    "train.leaderboard",
    "evaluate.metrics",
    "audit_dataset.audit_report",
    "build_dataset.schema",
    "build_dataset.dataset_info",
    "run.info",
]


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                build_report,
                inputs=[*UPSTREAM, "inventory", "params:report"],
                outputs=["report_md", "missing_artifacts"],
                name="build_report",
            )
        ],
        namespace="report",
        inputs=set(UPSTREAM),
        parameters={"params:report"},
    )
