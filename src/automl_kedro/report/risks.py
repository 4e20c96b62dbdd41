"""The risk checklist: what could make this model disappoint, in plain words, with a severity.

Each check takes what the run produced (any piece may be missing) and returns a
:class:`Risk`. Severities: ``high`` (act before use), ``medium`` (know it), ``low`` (nothing
found), ``unknown`` (the piece needed to judge is missing).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

SEVERITY_ORDER = ("high", "medium", "unknown", "low")


@dataclass
class Risk:
    area: str
    severity: str
    finding: str
    action: str


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(float(value)):
        return None
    return float(value)


@dataclass
class Scores:
    """The primary metric's scores where they exist: in-sample, cross-validated, test."""

    metric: str
    greater_is_better: bool
    train: float | None
    cv: float | None
    cv_std: float | None
    test: float | None
    n_test: int | None

    def gap(self) -> float | None:
        """How much worse the test score is than the CV score (positive: test is worse)."""
        if self.cv is None or self.test is None:
            return None
        return (self.cv - self.test) if self.greater_is_better else (self.test - self.cv)

    def noise(self) -> float | None:
        """Twice the fold-to-fold spread: a held-out score moves this much by chance alone."""
        return 2 * self.cv_std if self.cv_std is not None else None

    def disagree(self) -> bool:
        gap, noise = self.gap(), self.noise()
        return gap is not None and noise is not None and abs(gap) > noise


def data_quality(audit: dict[str, Any] | None) -> Risk:
    area = "Data quality"
    if not audit:
        return Risk(area, "unknown", "The data audit is missing, so the data was not checked.",
                    "Run `kedro run --pipeline=audit_dataset`.")
    counts = audit.get("severity_counts") or {}
    findings = [f for f in audit.get("findings") or [] if f.get("id") not in ("leakage", "leakage_strong", "shift")]
    serious = [f.get("title", "") for f in findings if f.get("severity") == "critical"]
    warnings = [f.get("title", "") for f in findings if f.get("severity") == "warning"]
    if serious:
        return Risk(area, "high", f"The audit found serious problems: {'; '.join(serious)}.",
                    "Fix them (see audit/audit_report.md) and train again.")
    if warnings:
        return Risk(area, "medium", f"The audit warns about: {'; '.join(warnings)}.",
                    "Read audit/audit_report.md; each warning says what to do.")
    return Risk(area, "low", f"No warnings in the audit ({counts.get('info', 0)} notes for information).", "None.")


def leakage(audit: dict[str, Any] | None, scores: Scores | None) -> Risk:
    """Leakage: a column that gives the answer away makes scores look better than they will be."""
    area = "Leakage (a column that gives the answer away)"
    findings = {f.get("id"): f for f in (audit or {}).get("findings") or []}
    if "leakage" in findings:
        f = findings["leakage"]
        return Risk(area, "high", f"{f.get('title')}: {', '.join(f.get('columns') or [])}.",
                    f.get("action") or "Drop those columns if they are not known at prediction time.")
    if "leakage_strong" in findings:
        f = findings["leakage_strong"]
        return Risk(area, "medium", f"{f.get('title')}: {', '.join(f.get('columns') or [])}.",
                    f.get("action") or "Check these columns are known when you predict.")
    if scores and scores.test is not None and scores.greater_is_better and scores.test >= 0.999:
        return Risk(area, "medium", f"The test {scores.metric} is {scores.test:.4f}, almost perfect.",
                    "Near-perfect scores are rare: check no column is recorded after the outcome.")
    if not audit:
        return Risk(area, "unknown", "The data audit is missing, so no column was checked.",
                    "Run `kedro run --pipeline=audit_dataset`.")
    best = sorted(((v, k) for k, v in ((audit.get("leakage") or {}).get("scores") or {}).items()
                   if _num(v) is not None), reverse=True)[:1]
    alone = f" (the best single column, {best[0][1]}, scores {best[0][0]:.2f} alone)" if best else ""
    return Risk(area, "low", f"No single column predicts the target almost perfectly{alone}.", "None.")


def overfitting(scores: Scores | None) -> Risk:
    """Train vs cross-validation vs test: a model that learnt its training rows by heart."""
    area = "Overfitting (scores that will not hold on new rows)"
    if scores is None or (scores.cv is None and scores.test is None):
        return Risk(area, "unknown", "Neither the cross-validation nor the test score is available.",
                    "Run the train and evaluate phases.")
    parts = []
    severity = "low"
    if scores.train is not None and scores.cv is not None:
        fit_gap = (scores.train - scores.cv) if scores.greater_is_better else (scores.cv - scores.train)
        parts.append(f"on its own training rows it scores {scores.train:.4f}, in cross-validation {scores.cv:.4f}")
        if scores.noise() is not None and fit_gap > 2 * scores.noise():
            severity = "medium"
    gap, noise = scores.gap(), scores.noise()
    if gap is None:
        parts.append("the test score is missing" if scores.test is None else "the cross-validation score is missing")
        severity = "unknown" if severity == "low" else severity
    elif noise is None:
        parts.append(f"cross-validation {scores.cv:.4f} vs test {scores.test:.4f} (no fold spread to judge noise)")
    elif gap > noise:
        parts.append(f"the test {scores.metric} ({scores.test:.4f}) is worse than cross-validation "
                     f"({scores.cv:.4f}) by {gap:.4f}, more than chance explains ({noise:.4f})")
        severity = "high" if gap > 2 * noise else "medium"
    else:
        parts.append(f"cross-validation {scores.cv:.4f} and test {scores.test:.4f} agree within chance ({noise:.4f})")
    action = ("Trust the test score, not the cross-validation one; more data or a simpler model helps."
              if severity in ("medium", "high") else "None.")
    return Risk(area, severity, _sentence("; ".join(parts)), action)


def extrapolation(audit: dict[str, Any] | None, dataset_info: dict[str, Any] | None,
                  test_metrics: dict[str, Any] | None) -> Risk:
    """New rows unlike the training rows get guesses, not knowledge."""
    area = "Extrapolation (new rows unlike the training rows)"
    findings = {f.get("id"): f for f in (audit or {}).get("findings") or []}
    ood = _num((test_metrics or {}).get("out_of_domain_share"))
    n_train = _num((dataset_info or {}).get("n_train"))
    notes, severity = [], "low"
    if "shift" in findings:
        notes.append(f"train and test rows already differ ({', '.join(findings['shift'].get('columns') or [])})")
        severity = "medium"
    if ood is not None:
        notes.append(f"{ood:.0%} of test rows fall outside the training data's domain")
        severity = "high" if ood > 0.2 else ("medium" if ood > 0.05 else severity)
    if n_train is not None and n_train < 500:
        notes.append(f"only {int(n_train)} training rows, so many combinations of values were never seen")
        severity = "medium" if severity == "low" else severity
    finding = _sentence("; ".join(notes)) if notes else "No sign that test rows differ from training rows."
    return Risk(area, severity, finding + " Predictions for rows outside the ranges seen in training are guesses.",
                "Watch new batches with `kedro run --pipeline=monitor` (it flags features that drift).")


def latency_and_size(recommended: dict[str, Any] | None) -> Risk:
    area = "Speed and size"
    if not recommended:
        return Risk(area, "unknown", "The recommendation is missing, so speed and size are unknown.", "Run train.")
    seconds, size = _num(recommended.get("predict_seconds")), _num(recommended.get("size_bytes"))
    if seconds is None and size is None:
        return Risk(area, "unknown", "Speed and size were not measured.", "None.")
    severity = "low"
    if (seconds or 0) > 10 or (size or 0) > 500e6:
        severity = "high"
    elif (seconds or 0) > 1 or (size or 0) > 50e6:
        severity = "medium"
    said = []
    if seconds is not None:
        said.append(f"it predicts a validation fold in {seconds * 1000:.0f} ms")
    if size is not None:
        said.append(f"the model file takes {size / 1e6:.2f} MB")
    action = "Consider the faster or smaller alternative below." if severity != "low" else "None."
    return Risk(area, severity, _sentence("; ".join(said)), action)


def reproducibility(recommendation: dict[str, Any] | None, dataset_info: dict[str, Any] | None,
                    train_meta: dict[str, Any] | None, environment: dict[str, str] | None) -> Risk:
    area = "Reproducibility"
    seed = (recommendation or {}).get("seed")
    dataset_hash = (dataset_info or {}).get("dataset_hash")
    git_sha = (train_meta or {}).get("git_sha")
    missing = [name for name, value in (("the random seed", seed), ("the dataset hash", dataset_hash),
                                        ("the code version (git commit)", git_sha)) if not value]
    said = [f"seed {seed}" if seed is not None else None,
            f"dataset hash {str(dataset_hash)[:12]}" if dataset_hash else None,
            f"git commit {str(git_sha)[:10]}" if git_sha else None,
            ("versions " + ", ".join(f"{k} {v}" for k, v in (environment or {}).items())) if environment else None]
    finding = "Recorded: " + ", ".join(s for s in said if s) + "." if any(said) else "Nothing recorded."
    if missing:
        finding += " Not recorded: " + ", ".join(missing) + "."
    severity = "low" if not missing else ("medium" if missing == ["the code version (git commit)"] else "high")
    action = "Run from a git repository with committed code to record the code version." if git_sha is None else "None."
    return Risk(area, severity, finding, action)
