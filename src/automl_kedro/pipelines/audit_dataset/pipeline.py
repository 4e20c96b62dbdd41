from kedro.pipeline import Pipeline, node, pipeline

from .nodes import audit_dataset


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                audit_dataset,
                inputs=["built_dataset", "dataset_schema", "params:audit"],
                outputs=["audit_report", "audit_report_md", "plots"],
                name="audit_dataset",
            )
        ],
        namespace="audit_dataset",
        outputs={"audit_report": "audit_report"},  # read by other phases: undotted names
        inputs={"built_dataset", "dataset_schema"},
        parameters={"params:audit"},
    )
