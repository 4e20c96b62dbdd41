"""report.md: the one page a non-specialist reads.

Order is fixed (seed 001 §1.3): Decision Summary, Top-K by accuracy / speed / size,
Alternatives, Data audit highlights, Test results, Missing artifacts.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

SPEED_COLUMNS = ("predict_seconds", "time_predict_seconds", "predict_s")
SIZE_COLUMNS = ("size_bytes", "model_size_bytes")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:.4g}"
    return str(value)


def _table(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    columns = [c for c in columns if c in frame.columns]
    if frame.empty or not columns:
        return ["(none)"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in frame[columns].iterrows():
        lines.append("| " + " | ".join(_fmt(row[c]) for c in columns) + " |")
    return lines


def _readable(frame: pd.DataFrame, metric: str, score: str | None, speed: str | None, size: str | None) -> pd.DataFrame:
    """The leaderboard as a person reads it: names, score ± std, milliseconds, KiB."""
    out = pd.DataFrame(index=frame.index)
    out["candidate"] = frame.get("candidate_id", frame.get("model"))
    if score:
        std = frame.get(f"cv_{metric}_std")
        out[f"CV {metric}"] = [
            f"{m:.4f} ± {d:.4f}" if std is not None and pd.notna(d) else f"{m:.4f}"
            for m, d in zip(frame[score], std if std is not None else [None] * len(frame))
        ]
    if speed:
        out["predict ms"] = (frame[speed].astype(float) * 1000).round(2)
    if size:
        out["size KiB"] = (frame[size].astype(float) / 1024).round(1)
    return out


def _first(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in frame.columns), None)


def score_column(leaderboard: pd.DataFrame, metric: str) -> str | None:
    for name in (f"cv_{metric}_mean", f"{metric}_mean", f"cv_{metric}", metric):
        if name in leaderboard.columns:
            return name
    return None


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


def render_report(
    recommendation: dict[str, Any],
    leaderboard: pd.DataFrame,
    test_metrics: dict[str, Any],
    audit_report: dict[str, Any],
    schema: dict[str, Any],
    dataset_info: dict[str, Any],
    run_info: dict[str, Any],
    inventory: list[dict[str, Any]],
    top_k: int = 5,
) -> str:
    metric = recommendation.get("primary_metric", "score")
    best = recommendation.get("recommended") or {}
    lines = [
        f"# AutoML report — {dataset_info.get('dataset_key', run_info.get('dataset_key'))} [{run_info['run_id']}]",
        "",
        f"Target `{schema['target']}`, problem type **{schema['problem_type']}**. "
        f"{dataset_info.get('n_rows', '?')} rows: "
        f"{dataset_info.get('n_train', '?')} train, {dataset_info.get('n_val', 0)} validation, "
        f"{dataset_info.get('n_test', '?')} test. Dataset hash `{dataset_info.get('dataset_hash')}`.",
        "",
        f"Why {schema['problem_type']}: {schema.get('problem_type_rule', '')}",
        "",
        "## Decision Summary",
        "",
        f"Recommended model: {_candidate_line(best, metric)}.",
        "",
        recommendation.get("rationale", ""),
        "",
        "Chosen on cross-validation of the training rows only; the test rows were used once, below.",
        "",
    ]
    scores = {k: v for k, v in test_metrics.items() if isinstance(v, float) and not k.startswith("n_")}
    counts = {k: v for k, v in test_metrics.items() if k.startswith("n_") and isinstance(v, int)}
    lines += ["## Test results (held-out rows)", ""]
    if scores:
        lines += ["| metric | test score |", "|---|---|"]
        lines += [f"| {k} | {v:.4f} |" for k, v in scores.items()]
    if counts:
        lines += ["", "Rows: " + ", ".join(f"{k[2:]} {v}" for k, v in counts.items()) + "."]
    lines += [""]

    frame = leaderboard.copy()
    if "status" in frame.columns:
        failed = frame[frame["status"] != "ok"]
        frame = frame[frame["status"] == "ok"]
    else:
        failed = frame.iloc[0:0]
    score = score_column(frame, metric)
    speed = _first(frame, SPEED_COLUMNS)
    size = _first(frame, SIZE_COLUMNS)
    readable = _readable(frame, metric, score, speed, size)
    lines += ["## Top-K", ""]
    for title, column, ascending in (("by accuracy", score, False), ("by speed", speed, True), ("by size", size, True)):
        if column is None:
            continue
        order = frame.sort_values(column, ascending=ascending).index[:top_k]
        lines += [f"### Top {min(top_k, len(order))} {title}", ""]
        lines += _table(readable.loc[order], list(readable.columns))
        lines += [""]

    alternatives = recommendation.get("alternatives") or {}
    lines += ["## Alternatives", ""]
    if not alternatives:
        lines += ["No alternative beats the recommended model on speed or size within one standard deviation of its score.", ""]
    best_id = best.get("candidate_id")
    for name, item in alternatives.items():
        label = name.replace("_", " ")
        if isinstance(item, list):
            lines.append(f"- **{label}**: " + "; ".join(_candidate_line(i, metric) for i in item))
        elif item and item.get("candidate_id") == best_id:
            lines.append(f"- **{label}**: the recommended model itself.")
        else:
            lines.append(f"- **{label}**: {_candidate_line(item, metric)}")
    lines += [""]

    if not failed.empty:
        lines += ["## Candidates that failed or were not trained", ""]
        lines += _table(failed, ["candidate_id", "model", "preprocess_id", "error"])
        lines += [""]

    findings = audit_report.get("findings") or []
    lines += ["## Data audit highlights", ""]
    serious = [f for f in findings if f.get("severity") in ("critical", "warning")]
    if not serious:
        lines.append("No warnings: see audit/audit_report.md for the full audit.")
    for finding in serious[:10]:
        detail = f": {finding['detail']}" if finding.get("detail") else ""
        lines.append(f"- **{finding.get('severity')}** {finding.get('title', '')}{detail} — {finding.get('action', '')}")
    lines += [""]

    missing = [row for row in inventory if not row["present"]]
    lines += ["## Missing artifacts", ""]
    if missing:
        lines += _table(pd.DataFrame(missing), ["process", "file", "run_dir"])
    else:
        lines.append("None: every contract file of the runs used is present.")
    lines += [""]
    return "\n".join(lines)


def missing_artifacts(inventory: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(inventory, columns=["process", "run_dir", "file", "present"])
    return frame[~frame["present"]].reset_index(drop=True)
