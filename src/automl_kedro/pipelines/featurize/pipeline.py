from kedro.pipeline import Pipeline, node, pipeline

from .nodes import featurize


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                featurize,
                inputs=["build_dataset.dataset", "build_dataset.schema", "params:featurize"],
                outputs=["preprocessors", "features_manifest", "schema_raw", "preprocess_pipeline", "sample_rows", "plots"],
                name="featurize",
            )
        ],
        namespace="featurize",
        inputs={"build_dataset.dataset", "build_dataset.schema"},
        parameters={"params:featurize"},
    )
