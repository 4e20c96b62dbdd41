from kedro.pipeline import Pipeline, node, pipeline

from .nodes import evaluate_model


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                evaluate_model,
                inputs=["train.model", "train.recommendation", "build_dataset.dataset", "build_dataset.schema", "build_dataset.dataset_info", "run.info", "train.oof_predictions", "params:predict"],
                outputs=["metrics", "predictions", "plots"],
                name="evaluate_model",
            )
        ],
        namespace="evaluate",
        inputs={"train.model", "train.recommendation", "build_dataset.dataset", "build_dataset.schema", "build_dataset.dataset_info", "run.info", "train.oof_predictions"},
        parameters={"params:predict"},
    )
