from kedro.pipeline import Pipeline, node, pipeline

from .nodes import build_dataset


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                build_dataset,
                inputs=["params:data", "params:split", "run_info", "clearml_dataset_file"],
                outputs=["dataset", "dataset_index", "split", "schema", "dataset_info"],
                name="build_dataset",
            )
        ],
        namespace="build_dataset",
        outputs={"dataset": "built_dataset", "schema": "dataset_schema", "dataset_info": "dataset_info"},  # read by other phases: undotted names
        inputs={"run_info"},
        parameters={"params:data", "params:split"},
    )
