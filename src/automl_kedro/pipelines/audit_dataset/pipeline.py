from kedro.pipeline import Pipeline, node, pipeline

from .nodes import audit_dataset


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                audit_dataset,
                inputs=["build_dataset.dataset", "build_dataset.schema", "params:audit"],
                outputs=["audit_report", "audit_report_md", "plots"],
                name="audit_dataset",
            )
        ],
        namespace="audit_dataset",
        inputs={"build_dataset.dataset", "build_dataset.schema"},
        parameters={"params:audit"},
    )
