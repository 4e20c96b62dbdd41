from kedro.pipeline import Pipeline, node, pipeline

from .nodes import monitor_batch

# train.model first: loading it resolves the model run (monitor.source_run), and the training
# rows then follow that run's chain.
UPSTREAM = ["train.model", "train.meta", "train.metrics", "build_dataset.dataset", "build_dataset.schema", "run.info"]


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                monitor_batch,
                inputs=[*UPSTREAM[:5], "batch", "params:monitor", "run.info"],
                outputs=["drift", "performance", "summary", "performance_log"],
                name="monitor_batch",
            )
        ],
        namespace="monitor",
        inputs=set(UPSTREAM),
        parameters={"params:monitor"},
    )
