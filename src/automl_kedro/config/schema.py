"""The root parameter schema and its validation with readable messages.

Each section lives in its own module next to the phase that uses it; this module
composes them and turns pydantic's errors into one message per problem, naming the
dotted key and suggesting a close real key for typos.
"""
from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from automl_kedro.config.base import Section
from automl_kedro.config.clearml import MODE_ENV
from automl_kedro.config.monitor import MonitorParams
from automl_kedro.config.data import AuditParams, DataParams, FeaturizeParams, SplitParams
from automl_kedro.config.optimize import OptimizeParams
from automl_kedro.config.predict import PredictParams
from automl_kedro.config.run import ReportParams, RunParams
from automl_kedro.config.train import EvaluateParams, TrainParams
from automl_kedro.errors import ParameterError
from automl_kedro.phases import phase_names

PROCESSES = phase_names()


class Params(Section):
    run: RunParams = Field(default_factory=RunParams)
    data: DataParams = Field(default_factory=DataParams)
    split: SplitParams = Field(default_factory=SplitParams)
    audit: AuditParams = Field(default_factory=AuditParams)
    featurize: FeaturizeParams = Field(default_factory=FeaturizeParams)
    train: TrainParams = Field(default_factory=TrainParams)
    evaluate: EvaluateParams = Field(default_factory=EvaluateParams)
    report: ReportParams = Field(default_factory=ReportParams)
    predict: PredictParams = Field(default_factory=PredictParams)
    monitor: MonitorParams = Field(default_factory=MonitorParams)
    optimize: OptimizeParams = Field(default_factory=OptimizeParams)
    upstream: dict[str, str] = Field(
        default_factory=dict, description="process -> run id (or 'latest') to read that phase from"
    )

    @field_validator("upstream")
    @classmethod
    def _known_processes(cls, value: dict[str, str]) -> dict[str, str]:
        for process in value:
            if process not in PROCESSES:
                close = difflib.get_close_matches(process, PROCESSES, n=1)
                hint = f" Did you mean 'upstream.{close[0]}'?" if close else ""
                raise ValueError(f"unknown process {process!r}.{hint} Processes: {', '.join(PROCESSES)}")
        return {k: str(v) for k, v in value.items()}


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Pydantic models inside an annotation: ``M``, ``list[M]``, ``M | None``, ``dict[str, M]``."""
    if _is_model(annotation):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that owns the field at ``loc`` (for suggestions); list indexes allowed."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue  # an item of a list: same model as the list's items
        if not _is_model(current):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            candidates = [m for m in _models_in(current) if m.__name__ == str(part)]
            current = candidates[0] if candidates else None
            continue
        inner = _models_in(field.annotation)
        current = inner[0] if inner else None
    return current if _is_model(current) else None


def _describe(error: dict) -> str:
    loc = tuple(error["loc"])
    dotted = ".".join(str(p) for p in loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _model_at(Params, loc[:-1])
        hint = ""
        if parent is not None:
            close = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=1, cutoff=0.6)
            if close:
                prefix = ".".join(str(p) for p in loc[:-1])
                hint = f" Did you mean '{prefix + '.' if prefix else ''}{close[0]}'?"
            else:
                hint = f" Known keys here: {', '.join(parent.model_fields)}."
        return f"Unknown parameter '{dotted}'.{hint}"
    value = error.get("input")
    return f"Parameter '{dotted}' is invalid ({error['msg']}); got {value!r}."


def validate_params(raw: dict[str, Any]) -> Params:
    """Validate the merged parameters; raise one ParameterError listing every problem."""
    if "clearml" in (raw or {}):
        raise ParameterError(
            "'clearml' is tracking configuration, not a parameter: move it from conf/<env>/parameters*.yml "
            f"or --params to conf/<env>/clearml.yml (for one run: {MODE_ENV}=disabled|offline|online).")
    try:
        return Params.model_validate(raw or {})
    except ValidationError as exc:
        problems = [_describe(e) for e in exc.errors()]
        raise ParameterError(
            "Invalid parameters:\n  - " + "\n  - ".join(problems)
            + "\nFix them in conf/base/parameters_*.yml or in --params."
        ) from None
