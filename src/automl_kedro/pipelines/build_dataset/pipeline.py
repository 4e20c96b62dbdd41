from kedro.pipeline import Pipeline, node, pipeline

from .nodes import edit_rows, split_rows, type_columns


def create_pipeline(**kwargs) -> Pipeline:
    """raw_table (catalog: the file named by data.path) -> edit -> type -> split."""
    return pipeline(
        [
            node(edit_rows, inputs=["raw_table", "params:data", "params:split"], outputs="edited_table",
                 name="edit_rows"),
            node(type_columns, inputs=["edited_table", "params:data"], outputs="typed_table", name="type_columns"),
            node(
                split_rows,
                inputs=["typed_table", "params:data", "params:split", "run_info"],
                outputs=["dataset", "dataset_index", "split", "schema", "dataset_info"],
                name="split_rows",
            ),
        ],
        namespace="build_dataset",
        # read by other phases: undotted names
        outputs={"dataset": "built_dataset", "schema": "dataset_schema", "dataset_info": "dataset_info"},
        inputs={"run_info"},
        parameters={"params:data", "params:split"},
    )
