from kedro.pipeline import Pipeline, node, pipeline

from .nodes import monitor_batch

# trained_model first: loading it resolves the model run (monitor.source_run), and the training
# rows then follow that run's chain.
UPSTREAM = ["trained_model", "train_meta", "train_metrics", "built_dataset", "dataset_schema", "run_info"]


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                monitor_batch,
                inputs=[*UPSTREAM[:5], "batch", "params:monitor", "run_info"],
                outputs=["drift", "performance", "summary", "performance_log"],
                name="monitor_batch",
            )
        ],
        namespace="monitor",
        inputs=set(UPSTREAM),
        parameters={"params:monitor"},
    )
