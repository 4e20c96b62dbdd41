from kedro.pipeline import Pipeline, node, pipeline

from .nodes import train_candidates


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                train_candidates,
                inputs=["build_dataset.dataset", "build_dataset.schema", "featurize.preprocessors", "params:train", "params:split", "study_storage"],
                outputs=["model", "preprocess", "metrics", "leaderboard", "recommendation", "candidates", "plots", "oof_predictions"],
                name="train_candidates",
            )
        ],
        namespace="train",
        inputs={"build_dataset.dataset", "build_dataset.schema", "featurize.preprocessors"},
        parameters={"params:train", "params:split"},
    )
