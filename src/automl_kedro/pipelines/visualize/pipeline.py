from kedro.pipeline import Pipeline, node, pipeline

from .nodes import visualize_run

UPSTREAM = ["test_predictions", "leaderboard", "recommendation", "dataset_schema"]


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [node(visualize_run, inputs=UPSTREAM, outputs="plots", name="visualize_run")],
        namespace="visualize",
        inputs=set(UPSTREAM),
    )
