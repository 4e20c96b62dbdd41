from kedro.pipeline import Pipeline, node, pipeline

from .nodes import optimize_inputs

# train.model first: it resolves the train run (upstream.train, default latest); the rest follow that run
INPUTS = ["train.model", "build_dataset.schema", "build_dataset.dataset", "train.oof_predictions", "train.meta"]


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                optimize_inputs,
                inputs=[*INPUTS, "params:optimize", "params:predict", "run.info"],
                outputs=["trials", "best_solution", "summary", "plots"],
                name="optimize_inputs",
            )
        ],
        namespace="optimize",
        inputs={*INPUTS, "run.info"},
        parameters={"params:optimize", "params:predict"},
    )
