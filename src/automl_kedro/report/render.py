"""report.md: the one page a non-specialist reads.

Order (seed 001 §1.3): Decision Summary (test score first, cross-validation beside it), Risk
checklist, Test results, Top-K by accuracy / speed / size, Alternatives, Data audit highlights,
Plots, Missing artifacts (and pieces). Every input but the run's identity may be missing: each section then says
what it lacks and the report goes on (a Top-K falls back to what the recommendation lists).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from automl_kedro.report import risks as risk_checks
from automl_kedro.report.words import alternative_label, explain

SPEED_COLUMNS = ("predict_seconds", "time_predict_seconds", "predict_s")
SIZE_COLUMNS = ("size_bytes", "model_size_bytes")
LOWER_IS_BETTER = ("mae", "mse", "rmse", "log_loss")


@dataclass
class ReportInputs:
    """Everything the report may quote; None marks a missing piece."""

    run_info: dict[str, Any]
    recommendation: dict[str, Any] | None = None
    leaderboard: pd.DataFrame | None = None
    test_metrics: dict[str, Any] | None = None
    audit_report: dict[str, Any] | None = None
    schema: dict[str, Any] | None = None
    dataset_info: dict[str, Any] | None = None
    inventory: list[dict[str, Any]] = field(default_factory=list)
    train_metrics: dict[str, Any] | None = None
    train_meta: dict[str, Any] | None = None
    feature_importance: pd.DataFrame | None = None
    shap_importance: pd.DataFrame | None = None  # explain/shap_importance.csv (tree models; may be empty)
    plots: list[dict[str, str]] | None = None
    environment: dict[str, str] | None = None
    top_k: int = 5

    def missing(self) -> list[str]:
        names = {"recommendation": "the recommendation (train/recommendation.json)",
                 "leaderboard": "the leaderboard (train/leaderboard.csv)",
                 "test_metrics": "the test results (evaluate/metrics.json)",
                 "audit_report": "the data audit (audit/audit_report.json)",
                 "schema": "the data schema (dataset/schema.json)",
                 "dataset_info": "the dataset description (dataset/dataset_info.json)"}
        return [text for key, text in names.items() if getattr(self, key) is None]

    @property
    def metric(self) -> str:
        return ((self.recommendation or {}).get("primary_metric") or (self.test_metrics or {}).get("primary_metric")
                or (self.train_metrics or {}).get("primary_metric") or "score")

    def scores(self) -> risk_checks.Scores:
        metric, best = self.metric, (self.recommendation or {}).get("recommended") or {}
        cv = best.get("score", (self.train_metrics or {}).get(metric))
        cv_std = best.get("std", (self.train_metrics or {}).get(f"{metric}_std"))
        train = (self.train_metrics or {}).get(f"train_{metric}")
        greater = (self.recommendation or {}).get("greater_is_better", metric not in LOWER_IS_BETTER)
        n_test = (self.test_metrics or {}).get("n_test")
        num = risk_checks._num  # noqa: SLF001 - one definition of "a usable number"
        return risk_checks.Scores(metric, bool(greater), num(train), num(cv), num(cv_std),
                                  num((self.test_metrics or {}).get(metric)), n_test)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def _table(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    columns = [c for c in columns if c in frame.columns]
    if frame.empty or not columns:
        return ["(none)"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in frame[columns].iterrows():
        lines.append("| " + " | ".join(_fmt(row[c]) for c in columns) + " |")
    return lines


def _first(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in frame.columns), None)


def score_column(leaderboard: pd.DataFrame, metric: str) -> str | None:
    for name in (f"cv_{metric}_mean", f"{metric}_mean", f"cv_{metric}", metric, "score"):
        if name in leaderboard.columns:
            return name
    return None


def _readable(frame: pd.DataFrame, metric: str, score: str | None, speed: str | None, size: str | None) -> pd.DataFrame:
    """The leaderboard as a person reads it: names, score ± std, milliseconds, KiB."""
    out = pd.DataFrame(index=frame.index)
    out["candidate"] = frame.get("candidate_id", frame.get("model"))
    if score:
        std = frame.get(f"cv_{metric}_std", frame.get("std"))
        out[f"CV {metric}"] = [
            f"{m:.4f} ± {d:.4f}" if std is not None and pd.notna(d) else f"{m:.4f}"
            for m, d in zip(frame[score], std if std is not None else [None] * len(frame))
        ]
    if speed:
        out["predict ms"] = (frame[speed].astype(float) * 1000).round(2)
    if size:
        out["size KiB"] = (frame[size].astype(float) / 1024).round(1)
    return out


def _candidate_line(item: dict[str, Any] | None, metric: str) -> str:
    if not item:
        return "-"
    score = item.get("score", item.get(f"cv_{metric}_mean"))
    parts = [f"**{item.get('candidate_id') or item.get('model')}**", f"{metric} {_fmt(score)}"]
    if item.get("predict_seconds") is not None:
        parts.append(f"predicts in {item['predict_seconds'] * 1000:.1f} ms")
    if item.get("size_bytes") is not None:
        parts.append(f"{item['size_bytes'] / 1024:.1f} KiB")
    return ", ".join(parts)


# -- sections ---------------------------------------------------------------------------
def header_section(r: ReportInputs) -> list[str]:
    info, schema = r.dataset_info or {}, r.schema or {}
    key = info.get("dataset_key", r.run_info.get("dataset_key"))
    lines = [f"# AutoML report — {key} [{r.run_info['run_id']}]", ""]
    if schema:
        lines += [f"Target `{schema.get('target')}`, problem type **{schema.get('problem_type')}**. "
                  f"{info.get('n_rows', '?')} rows: {info.get('n_train', '?')} train, {info.get('n_val', 0)} "
                  f"validation, {info.get('n_test', '?')} test. Dataset hash `{info.get('dataset_hash')}`.", ""]
        if schema.get("problem_type_rule"):
            lines += [f"Why {schema['problem_type']}: {schema['problem_type_rule']}", ""]
    return lines


def decision_section(r: ReportInputs) -> list[str]:
    """Test score first, cross-validation beside it, and whether they disagree beyond chance."""
    s, lines = r.scores(), ["## Decision Summary", ""]
    cv_text = (f"cross-validation {s.metric} {s.cv:.4f}" + (f" ± {s.cv_std:.4f}" if s.cv_std is not None else "")
               + " (the average over folds of the training rows, ± its fold-to-fold spread)") if s.cv is not None else \
        "cross-validation score not available"
    if s.test is not None:
        rows = f" on {s.n_test} rows never used to choose the model" if s.n_test else ""
        lines.append(f"**Test {s.metric}: {s.test:.4f}**{rows}; {cv_text}.")
    else:
        lines.append(f"**Test score not available** (the evaluate output is missing); {cv_text}.")
    gap, noise = s.gap(), s.noise()
    if s.disagree():
        direction = "lower" if gap > 0 else "higher"
        lines.append(f"They disagree beyond chance: the test score is {abs(gap):.4f} {direction} than cross-validation, "
                     f"more than twice the fold-to-fold spread ({noise:.4f}). Expect new data to score near the "
                     "test score, not the cross-validation one.")
    elif gap is not None and noise is not None:
        lines.append(f"They agree within chance (difference {abs(gap):.4f}, twice the fold-to-fold spread is {noise:.4f}).")
    lines.append("")
    best = (r.recommendation or {}).get("recommended")
    if best:
        lines += [f"Recommended model: {_candidate_line(best, s.metric)}.", ""]
        if r.recommendation.get("rationale"):
            lines += [explain(r.recommendation["rationale"]), ""]
    else:
        lines += ["No recommendation is available (train/recommendation.json is missing).", ""]
    lines += _intervals_lines(r.test_metrics) + _importance_lines(r.feature_importance) + _shap_lines(r.shap_importance)
    lines += ["The model was chosen on cross-validation of the training rows only; the test rows were used once, "
              "to give the test score.", ""]
    return lines


def _intervals_lines(test_metrics: dict[str, Any] | None) -> list[str]:
    m = test_metrics or {}
    coverage, width, level = m.get("interval_coverage"), m.get("interval_mean_width"), m.get("interval_level")
    if coverage is None:
        return []
    level_text = f"{float(level):.0%} " if level is not None else ""
    width_text = f", {float(width):.4g} wide on average" if width is not None else ""
    return [f"Prediction intervals: the {level_text}intervals contained the true value for {float(coverage):.0%} "
            f"of the test rows{width_text}.", ""]


def _importance_lines(importance: pd.DataFrame | None, top: int = 5) -> list[str]:
    if importance is None or importance.empty or not {"feature", "importance"} <= set(importance.columns):
        return []
    best = importance.sort_values("importance", ascending=False).head(top)
    names = ", ".join(f"`{f}`" for f in best["feature"])
    return [f"The features that matter most to the model: {names} (explain/feature_importance.csv).", ""]


def _shap_lines(shap: pd.DataFrame | None, top: int = 5) -> list[str]:
    if shap is None or shap.empty or not {"feature", "mean_abs_shap"} <= set(shap.columns):
        return []
    names = ", ".join(f"`{f}`" for f in shap.sort_values("mean_abs_shap", ascending=False).head(top)["feature"])
    return [f"By SHAP (mean absolute contribution on training rows), the features that move its predictions most: "
            f"{names} (explain/shap_importance.csv).", ""]


def risk_section(r: ReportInputs) -> list[str]:
    scores = r.scores()
    best = (r.recommendation or {}).get("recommended")
    checks = [
        risk_checks.data_quality(r.audit_report),
        risk_checks.leakage(r.audit_report, scores),
        risk_checks.overfitting(scores),
        risk_checks.extrapolation(r.audit_report, r.dataset_info, r.test_metrics),
        risk_checks.latency_and_size(best),
        risk_checks.reproducibility(r.recommendation, r.dataset_info, r.train_meta, r.environment),
    ]
    lines = ["## Risk checklist", "", "| risk | severity | what we found | what to do |", "|---|---|---|---|"]
    lines += [f"| {c.area} | **{c.severity}** | {c.finding} | {c.action} |" for c in checks]
    return lines + ["", "Severity: high = act before using the model; medium = know it; low = nothing found; "
                        "unknown = the piece needed to judge is missing.", ""]


def test_section(r: ReportInputs) -> list[str]:
    lines = ["## Test results (held-out rows)", ""]
    if r.test_metrics is None:
        return lines + ["Not available: the evaluate output (metrics.json) is missing.", ""]
    scores = {k: v for k, v in r.test_metrics.items() if isinstance(v, float) and not k.startswith(("n_", "interval_"))}
    counts = {k: v for k, v in r.test_metrics.items() if k.startswith("n_") and isinstance(v, int)}
    if scores:
        lines += ["| metric | test score |", "|---|---|"] + [f"| {k} | {v:.4f} |" for k, v in scores.items()]
    if counts:
        lines += ["", "Rows: " + ", ".join(f"{k[2:]} {v}" for k, v in counts.items()) + "."]
    return lines + [""]


def _fallback_board(recommendation: dict[str, Any] | None) -> pd.DataFrame:
    """A minimal leaderboard from the candidates the recommendation names (seed 001 §4)."""
    rec = recommendation or {}
    items = [rec.get("recommended")] + [i for v in (rec.get("alternatives") or {}).values()
                                         for i in (v if isinstance(v, list) else [v])]
    rows = {i["candidate_id"]: i for i in items if i and i.get("candidate_id")}
    return pd.DataFrame(list(rows.values()))


def top_k_section(r: ReportInputs) -> list[str]:
    lines = ["## Top-K", ""]
    frame = r.leaderboard
    if frame is None:
        frame = _fallback_board(r.recommendation)
        lines += ["The leaderboard is missing: only the candidates the recommendation names are listed.", ""]
    if frame.empty:
        return lines + ["No candidates to list.", ""]
    if "status" in frame.columns:
        frame = frame[frame["status"] == "ok"]
    metric = r.metric
    score, speed, size = score_column(frame, metric), _first(frame, SPEED_COLUMNS), _first(frame, SIZE_COLUMNS)
    readable = _readable(frame, metric, score, speed, size)
    greater = metric not in LOWER_IS_BETTER
    for title, column, ascending in (("by accuracy", score, not greater), ("by speed", speed, True), ("by size", size, True)):
        if column is None:
            continue
        order = frame.sort_values(column, ascending=ascending).index[:r.top_k]
        lines += [f"### Top {min(r.top_k, len(order))} {title}", ""] + _table(readable.loc[order], list(readable.columns)) + [""]
    return lines


def alternatives_section(r: ReportInputs) -> list[str]:
    lines = ["## Alternatives", ""]
    if r.recommendation is None:
        return lines + ["Not available: the recommendation is missing.", ""]
    alternatives = r.recommendation.get("alternatives") or {}
    if not alternatives:
        lines += ["No alternative is faster or smaller while scoring within one standard deviation (the usual "
                  "fold-to-fold spread) of the recommended model.", ""]
    best_id = (r.recommendation.get("recommended") or {}).get("candidate_id")
    for name, item in alternatives.items():
        label = alternative_label(name)
        if isinstance(item, list):
            lines.append(f"- **{label}**: " + "; ".join(_candidate_line(i, r.metric) for i in item))
        elif item and item.get("candidate_id") == best_id:
            lines.append(f"- **{label}**: the recommended model itself.")
        else:
            lines.append(f"- **{label}**: {_candidate_line(item, r.metric)}")
    return lines + [""]


def failed_section(r: ReportInputs) -> list[str]:
    frame = r.leaderboard
    if frame is None or "status" not in frame.columns or (frame["status"] == "ok").all():
        return []
    failed = frame[frame["status"] != "ok"]
    return ["## Candidates that failed or were not trained", ""] + _table(
        failed, ["candidate_id", "model", "preprocess_id", "error"]) + [""]


def audit_section(r: ReportInputs) -> list[str]:
    lines = ["## Data audit highlights", ""]
    if r.audit_report is None:
        return lines + ["Not available: the data audit is missing.", ""]
    serious = [f for f in r.audit_report.get("findings") or [] if f.get("severity") in ("critical", "warning")]
    if not serious:
        lines.append("No warnings: see audit/audit_report.md for the full audit.")
    for finding in serious[:10]:
        detail = f": {finding['detail']}" if finding.get("detail") else ""
        lines.append(f"- **{finding.get('severity')}** {finding.get('title', '')}{detail} — {finding.get('action', '')}")
    return lines + [""]


def plots_section(r: ReportInputs) -> list[str]:
    """Links to the interactive plots (HTML files in the run directories)."""
    lines = ["## Plots", ""]
    if not r.plots:
        return lines + ["No plots were found in the runs this report reads.", ""]
    for process in dict.fromkeys(p["process"] for p in r.plots):
        links = [f"[{p['title']}]({p['link']})" for p in r.plots if p["process"] == process]
        lines.append(f"- **{process.replace('_', ' ')}**: " + ", ".join(links))
    return lines + [""]


def missing_section(r: ReportInputs) -> list[str]:
    lines = ["## Missing artifacts", ""]
    pieces = r.missing()
    if pieces:
        lines += ["This report is shorter because these inputs are missing: " + "; ".join(pieces) + ".", ""]
    absent = [row for row in r.inventory if not row["present"]]
    if absent:
        lines += _table(pd.DataFrame(absent), ["process", "file", "run_dir"])
    elif not pieces:
        lines.append("None: every contract file of the runs used is present.")
    return lines + [""]


SECTIONS = (header_section, decision_section, risk_section, test_section, top_k_section, alternatives_section,
            failed_section, audit_section, plots_section, missing_section)


def build_markdown(inputs: ReportInputs) -> str:
    return "\n".join(line for section in SECTIONS for line in section(inputs))


def render_report(recommendation, leaderboard, test_metrics, audit_report, schema, dataset_info, run_info,
                  inventory, top_k: int = 5, **optional: Any) -> str:
    """The report from the phases' outputs (any may be None); ``optional``: the other
    ReportInputs fields (train_metrics, train_meta, feature_importance, plots, environment)."""
    return build_markdown(ReportInputs(run_info, recommendation, leaderboard, test_metrics, audit_report, schema,
                                       dataset_info, inventory or [], top_k=top_k, **optional))


def missing_artifacts(inventory: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(inventory, columns=["process", "run_dir", "file", "present"])
    return frame[~frame["present"]].reset_index(drop=True)
