from kedro.pipeline import Pipeline, node, pipeline

from .nodes import build_dataset


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                build_dataset,
                inputs=["params:data", "params:split", "run.info", "clearml_dataset_file"],
                outputs=["dataset", "dataset_index", "split", "schema", "dataset_info"],
                name="build_dataset",
            )
        ],
        namespace="build_dataset",
        inputs={"run.info"},
        parameters={"params:data", "params:split"},
    )
