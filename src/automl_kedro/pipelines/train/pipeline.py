from kedro.pipeline import Pipeline, node, pipeline

from .nodes import ensemble, finalize_model, search, select


def create_pipeline(**kwargs) -> Pipeline:
    """search -> select -> ensemble -> finalize, exchanging their results through catalog entries."""
    return pipeline(
        [
            node(
                search,
                inputs=["built_dataset", "dataset_schema", "preprocessors", "params:train",
                        "params:split", "study_storage"],
                outputs=["search_state", "trial_log"],
                name="search",
            ),
            node(select, inputs=["search_state", "params:train"], outputs="selection", name="select"),
            node(ensemble, inputs=["search_state", "selection", "params:train"], outputs="ensembles",
                 name="ensemble"),
            node(
                finalize_model,
                inputs=["built_dataset", "dataset_schema", "search_state", "selection", "ensembles",
                        "params:train"],
                outputs=["model", "preprocess", "metrics", "leaderboard", "recommendation", "candidates", "plots",
                         "oof_predictions", "feature_importance", "shap_importance", "shap_plots"],
                name="finalize",
            ),
        ],
        namespace="train",
        outputs={"model": "trained_model", "recommendation": "recommendation", "oof_predictions": "oof_predictions",
                 "metrics": "train_metrics", "leaderboard": "leaderboard",
                 "shap_importance": "shap_importance"},  # read by other phases: undotted names
        inputs={"built_dataset", "dataset_schema", "preprocessors"},
        parameters={"params:train", "params:split"},
    )
