"""Names, projects, tags and hyperparameter sections of ClearML tasks (pure: no clearml import).

One place for the conventions of SPEC "ClearML mapping", so every task of a run is findable by
``run:<run_id>`` and sections never collapse into a single "General" page.
"""
from __future__ import annotations

from typing import Any

from automl_kedro.phases import PHASES
from automl_kedro.secrets import redact

SECTIONS = ("Data", "Preprocessing", "Model", "CrossValidation", "Evaluation", "Optimization",
            "Output", "ClearML")
CHILD_PROJECT = "train_models"

# Which sections each phase connects (the ones that apply to it).
PHASE_SECTIONS: dict[str, tuple[str, ...]] = {name: p.sections for name, p in PHASES.items()}
_DEFAULT_SECTIONS = ("Data", "Output", "ClearML")

# train.<key> -> section; keys not listed here belong to Optimization.
_TRAIN_KEY_SECTION = {
    "models": "Model",
    "cv_folds": "CrossValidation", "cv": "CrossValidation", "cv_strategy": "CrossValidation",
    "cv_shuffle": "CrossValidation", "cv_repeats": "CrossValidation",
    "primary_metric": "Evaluation", "metrics": "Evaluation", "recommendation": "Evaluation",
    "ensemble": "Model", "ensembles": "Model",
}


def task_name(phase: str, dataset_key: str, run_id: str) -> str:
    """``<phase> [<dataset_key>] [<run_id>]``."""
    return f"{phase} [{dataset_key}] [{run_id}]"


def child_task_name(preprocess_id: str, model: str, run_id: str) -> str:
    """``train [<preproc_id>] [<model>] [<run_id>]``: one per trained candidate."""
    return f"train [{preprocess_id}] [{model}] [{run_id}]"


def project_name(user: str, dataset_key: str, project_root: str = "AutoML",
                 project: str | None = None) -> str:
    """``AutoML/<user>/<dataset_key>`` unless ``clearml.project`` names one."""
    if project:
        return project.strip("/")
    return f"{project_root.strip('/') or 'AutoML'}/{user}/{dataset_key}"


def child_project_name(phase_project: str) -> str:
    """Candidates live one level below the phase tasks: ``.../train_models``."""
    return f"{phase_project}/{CHILD_PROJECT}"


def phase_tags(phase: str, run_id: str, dataset_key: str, extra: list[str] | None = None) -> list[str]:
    """``run:``, ``phase:``, ``dataset:`` and any ``clearml.tags`` (e.g. ``team:x``)."""
    tags = [f"run:{run_id}", f"phase:{phase}", f"dataset:{dataset_key}"]
    return tags + [t for t in (extra or []) if t not in tags]


def child_tags(run_id: str, dataset_key: str, preprocess_id: str, model: str,
               extra: list[str] | None = None) -> list[str]:
    """The phase tags of train plus ``model:`` and ``preprocess:``."""
    return phase_tags("train", run_id, dataset_key, extra) + [f"model:{model}", f"preprocess:{preprocess_id}"]


def _split_train(train: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, value in train.items():
        out.setdefault(_TRAIN_KEY_SECTION.get(key, "Optimization"), {})[key] = value
    return out


def all_sections(params: dict[str, Any], tracking: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Every section built from the validated parameters (redacted); the ClearML section shows the
    tracking configuration (``conf/<env>/clearml.yml``), which is not a parameter."""
    p = redact(params or {})
    train = _split_train(dict(p.get("train") or {}))
    sections: dict[str, dict[str, Any]] = {
        "Data": {**(p.get("data") or {}), "split": p.get("split") or {}},
        "Preprocessing": {"featurize": p.get("featurize") or {}},
        "Model": train.get("Model", {}),
        "CrossValidation": {**train.get("CrossValidation", {}), "split": p.get("split") or {}},
        "Evaluation": {**train.get("Evaluation", {}), "evaluate": p.get("evaluate") or {},
                       "report": p.get("report") or {}},
        "Optimization": train.get("Optimization", {}),
        "Output": {"run": p.get("run") or {}, "upstream": p.get("upstream") or {}},
        "ClearML": redact(tracking or {}),
    }
    if "predict" in p:
        sections["Data"]["predict"] = p.get("predict") or {}
    return sections


def phase_sections(phase: str, params: dict[str, Any],
                   tracking: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The sections that apply to ``phase`` (see PHASE_SECTIONS), secrets redacted."""
    everything = all_sections(params, tracking)
    out = {name: everything[name] for name in PHASE_SECTIONS.get(phase, _DEFAULT_SECTIONS)}
    if phase == "audit_dataset":
        out["Data"] = {**out["Data"], "audit": redact(params.get("audit") or {})}
    return out


def child_sections(params: dict[str, Any], record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A candidate's sections: its Model section holds only its own model and params."""
    everything = all_sections(params)
    preprocess_id = record.get("preprocess_id")
    variants = (params.get("featurize") or {}).get("variants") or []
    own_variant = next((v for v in variants if isinstance(v, dict) and v.get("id") == preprocess_id), None)
    return {
        "Data": everything["Data"],
        "Preprocessing": {"preprocess_id": preprocess_id, **({"variant": redact(own_variant)} if own_variant else {})},
        "Model": {"name": record.get("model"), "candidate_id": record.get("candidate_id"),
                  "params": redact(record.get("params") or {})},
        "CrossValidation": everything["CrossValidation"],
        "Evaluation": everything["Evaluation"],
        "Output": everything["Output"],
    }


def split_title(title: str) -> tuple[str, str]:
    """``01_target/target_distribution`` -> (``01_target``, ``target_distribution``)."""
    if "/" in title:
        head, tail = title.split("/", 1)
        return head, tail
    return title, title
