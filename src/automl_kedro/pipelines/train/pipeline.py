from kedro.pipeline import Pipeline, node, pipeline

from .nodes import ensemble, finalize_model, search, select


def create_pipeline(**kwargs) -> Pipeline:
    """search -> select -> ensemble -> finalize, exchanging their results through catalog entries."""
    return pipeline(
        [
            node(
                search,
                inputs=["build_dataset.dataset", "build_dataset.schema", "featurize.preprocessors", "params:train",
                        "params:split", "study_storage"],
                outputs=["search_state", "trial_log"],
                name="search",
            ),
            node(select, inputs=["search_state", "params:train"], outputs="selection", name="select"),
            node(ensemble, inputs=["search_state", "selection", "params:train"], outputs="ensembles",
                 name="ensemble"),
            node(
                finalize_model,
                inputs=["build_dataset.dataset", "build_dataset.schema", "search_state", "selection", "ensembles",
                        "params:train"],
                outputs=["model", "preprocess", "metrics", "leaderboard", "recommendation", "candidates", "plots",
                         "oof_predictions", "feature_importance", "shap_importance", "shap_plots"],
                name="finalize",
            ),
        ],
        namespace="train",
        inputs={"build_dataset.dataset", "build_dataset.schema", "featurize.preprocessors"},
        parameters={"params:train", "params:split"},
    )
