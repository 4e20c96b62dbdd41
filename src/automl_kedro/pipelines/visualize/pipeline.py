from kedro.pipeline import Pipeline, node, pipeline

from .nodes import visualize_run

UPSTREAM = ["evaluate.predictions", "train.leaderboard", "train.recommendation", "build_dataset.schema"]


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [node(visualize_run, inputs=UPSTREAM, outputs="plots", name="visualize_run")],
        namespace="visualize",
        inputs=set(UPSTREAM),
    )
