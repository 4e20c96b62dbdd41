from kedro.pipeline import Pipeline, node, pipeline

from .nodes import predict

# train.model first: it resolves the train run, and build_dataset.* then follow the run that train read
INPUTS = ["train.model", "build_dataset.schema", "build_dataset.dataset", "train.oof_predictions", "train.meta"]


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                predict,
                inputs=[*INPUTS, "params:predict", "run.info"],
                outputs=["predictions", "uncertainty", "summary", "summary_md", "plots", "explanations"],
                name="predict",
            )
        ],
        namespace="predict",
        inputs={*INPUTS, "run.info"},
        parameters={"params:predict"},
    )
