"""The phases table: the one place that lists the phases and what each one is.

Every other module reads it: the parameter schema (``upstream.<phase>``), the run context (which
run-wide values describe a phase), the ClearML naming (hyperparameter sections) and publisher (task
type), the artifact contract (files every run directory of a phase must hold) and the pipeline
registry (which pipelines exist, and the golden path ``train``).

Adding a phase is: its folder ``pipelines/<name>/`` (``create_pipeline`` with namespace ``<name>``),
its ``conf/base/catalog_<name>.yml`` / ``parameters_<name>.yml``, and one row below.
"""
from __future__ import annotations

from dataclasses import dataclass

_RUN_FILES = ("config.yaml", "meta.json", "logs")


@dataclass(frozen=True)
class Phase:
    """One phase (a Kedro modular pipeline with its own namespace and run directory)."""

    name: str
    task_type: str  # ClearML task type of the phase's task
    sections: tuple[str, ...]  # ClearML hyperparameter sections the phase's task shows
    contract: tuple[str, ...] = ()  # files (besides config.yaml, meta.json, logs) a run dir must hold
    reads_model: bool = False  # describes a trained model (model_name, featureset_name apply)
    golden: bool = False  # part of `kedro run --pipeline=train`, in table order
    pipeline_name: str | None = None  # registered pipeline name when it differs from `name`
    alone_kwargs: tuple[tuple[str, object], ...] = ()  # create_pipeline(**...) when registered on its own

    @property
    def contract_files(self) -> tuple[str, ...]:
        return (*_RUN_FILES, *self.contract) if self.contract else ()

    @property
    def registered_as(self) -> str:
        return self.pipeline_name or self.name


PHASES: dict[str, Phase] = {
    p.name: p
    for p in (
        Phase("build_dataset", "data_processing", ("Data", "Output", "ClearML"),
              ("dataset/dataset_index.csv", "dataset/split.json"), golden=True),
        Phase("audit_dataset", "qc", ("Data", "Output", "ClearML"),
              ("audit/audit_report.json", "audit/audit_report.md", "plots"), golden=True),
        Phase("featurize", "data_processing", ("Data", "Preprocessing", "Output", "ClearML"),
              ("features/features_manifest.json",), golden=True),
        Phase("train", "training",
              ("Data", "Preprocessing", "Model", "CrossValidation", "Evaluation", "Optimization", "Output",
               "ClearML"),
              ("model/model.ckpt", "model/preprocess.pkl", "metrics.json", "leaderboard.csv"),
              reads_model=True, golden=True, pipeline_name="train_only"),
        Phase("evaluate", "testing", ("Data", "Model", "Evaluation", "Output", "ClearML"),
              ("metrics.json", "predictions.csv"), reads_model=True, golden=True),
        Phase("report", "custom", ("Evaluation", "Output", "ClearML"), reads_model=True, golden=True,
              alone_kwargs=(("optional_inputs", True),)),  # alone, the report survives missing pieces
        Phase("predict", "inference", ("Data", "Model", "Output", "ClearML"), reads_model=True),
        Phase("visualize", "custom", ("Evaluation", "Output", "ClearML"), reads_model=True),
        Phase("optimize", "optimizer", ("Data", "Model", "Optimization", "Output", "ClearML"),
              ("trials.csv", "best_solution.json"), reads_model=True),
        Phase("monitor", "monitor", ("Data", "Model", "Evaluation", "Output", "ClearML"),
              ("drift.csv", "monitor_summary.json"),
              reads_model=True),
    )
}

GOLDEN_PIPELINE = "train"  # `kedro run --pipeline=train`: every golden phase, in table order


def phase_names() -> tuple[str, ...]:
    return tuple(PHASES)
