from kedro.pipeline import Pipeline, node, pipeline

from .nodes import featurize


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                featurize,
                inputs=["built_dataset", "dataset_schema", "params:featurize"],
                outputs=["preprocessors", "features_manifest", "schema_raw", "preprocess_pipeline", "sample_rows", "plots"],
                name="featurize",
            )
        ],
        namespace="featurize",
        outputs={"preprocessors": "preprocessors"},  # read by other phases: undotted names
        inputs={"built_dataset", "dataset_schema"},
        parameters={"params:featurize"},
    )
