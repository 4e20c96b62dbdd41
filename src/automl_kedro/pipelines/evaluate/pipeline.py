from kedro.pipeline import Pipeline, node, pipeline

from .nodes import evaluate_model


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                evaluate_model,
                inputs=["trained_model", "recommendation", "built_dataset", "dataset_schema", "dataset_info", "run_info", "oof_predictions", "params:predict"],
                outputs=["metrics", "predictions", "plots"],
                name="evaluate_model",
            )
        ],
        namespace="evaluate",
        outputs={"metrics": "test_metrics", "predictions": "test_predictions"},  # read by other phases: undotted names
        inputs={"trained_model", "recommendation", "built_dataset", "dataset_schema", "dataset_info", "run_info", "oof_predictions"},
        parameters={"params:predict"},
    )
