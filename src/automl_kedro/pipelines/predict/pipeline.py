from kedro.pipeline import Pipeline, node, pipeline

from .nodes import predict


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                predict,
                inputs=["train.model", "build_dataset.schema", "train.meta", "params:predict", "run.info"],
                outputs=["predictions", "uncertainty"],
                name="predict",
            )
        ],
        namespace="predict",
        inputs={"train.model", "build_dataset.schema", "train.meta", "run.info"},
        parameters={"params:predict"},
    )
