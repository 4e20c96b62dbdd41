from kedro.pipeline import Pipeline, node, pipeline

from .nodes import predict

# trained_model first: it resolves the train run, and built_dataset, dataset_schema then follow the run that train read
INPUTS = ["trained_model", "dataset_schema", "built_dataset", "oof_predictions", "train_meta"]


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                predict,
                inputs=[*INPUTS, "new_rows", "model_file", "params:predict", "run_info"],
                outputs=["predictions", "uncertainty", "summary", "summary_md", "plots", "explanations"],
                name="predict",
            )
        ],
        namespace="predict",
        inputs={*INPUTS, "run_info"},
        parameters={"params:predict"},
    )
