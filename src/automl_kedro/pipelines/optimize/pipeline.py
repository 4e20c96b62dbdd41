from kedro.pipeline import Pipeline, node, pipeline

from .nodes import optimize_inputs

# trained_model first: it resolves the train run (upstream.train, default latest); the rest follow that run
INPUTS = ["trained_model", "dataset_schema", "built_dataset", "oof_predictions", "train_meta"]


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                optimize_inputs,
                inputs=[*INPUTS, "params:optimize", "params:predict", "run_info"],
                outputs=["trials", "best_solution", "summary", "plots"],
                name="optimize_inputs",
            )
        ],
        namespace="optimize",
        inputs={*INPUTS, "run_info"},
        parameters={"params:optimize", "params:predict"},
    )
