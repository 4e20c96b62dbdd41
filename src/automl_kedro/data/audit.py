"""The data audit: is this table usable, and what should be fixed first?

``audit(dataset, schema, params)`` returns ``(report, markdown)``. ``report`` is a JSON-ready dict;
every finding carries ``severity`` (``info`` | ``warning`` | ``critical``), a plain-language
``title`` and ``detail``, and ``action`` (what to do). Expensive checks (outliers, leakage,
train/test shift) run on a seeded sample of at most ``sample_rows`` rows so that a million rows
stay tractable; counts (missing values, duplicates, distinct values) use every row.

The audit is the ordered list ``CHECKS``: each check is a small function reading an
:class:`AuditData` (the table, its schema, the settings and the measurements shared by the checks and
the report) and returning its findings. Thresholds come from :class:`AuditParams` (``audit_settings``).
Adding a check is writing one such function and listing it.
"""
from __future__ import annotations

import warnings
from functools import cached_property
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import balanced_accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from automl_kedro.secrets import REDACTED as MASK
from automl_kedro.config.data import AuditParams

SEVERITIES = ("critical", "warning", "info")
DEFAULTS: dict[str, Any] = AuditParams().model_dump()  # one source: the audit section of the parameter schema
LEAKAGE_RULE = (
    "Each column alone is used to predict the target on held-out rows (3-fold cross-validation; a "
    "depth-3 decision tree for numbers, the most common target per value for categories). A score "
    "(balanced accuracy for classes, R² for numbers) of {critical} or more is 'almost perfect' and "
    "flagged critical; {warning} or more is a warning."
)
SHIFT_RULE = (
    "Train and test rows are compared column by column: for numbers the largest gap between their "
    "cumulative distributions (Kolmogorov-Smirnov), for categories half the summed difference of "
    "category shares. A gap above {threshold} that is also statistically clear (p < {pvalue}) is flagged."
)


def _finding(fid: str, severity: str, title: str, detail: str, action: str, columns=()) -> dict[str, Any]:
    return {"id": fid, "severity": severity, "title": title, "detail": detail, "action": action, "columns": list(columns)}


def _pct(x: float) -> str:
    if x == 0:
        return "0%"
    if x < 0.001:
        return "<0.1%"
    return f"{100 * x:.1f}%"


def _names(columns, limit: int = 6) -> str:
    columns = list(columns)
    shown = ", ".join(f"`{c}`" for c in columns[:limit])
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def _verb(columns, singular: str, plural: str) -> str:
    return singular if len(list(columns)) == 1 else plural


def _sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    return frame if len(frame) <= n else frame.sample(n=n, random_state=seed)


def _as_number(series: pd.Series) -> pd.Series:
    """Numbers for a numeric, boolean or datetime column (NaN where missing or infinite: the checks' trees and
    tests take no infinity)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.astype("int64").astype(float)
        return values.where(series.notna())
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    values = pd.to_numeric(series, errors="coerce").astype(float)
    return values.where(~np.isinf(values))


def _single_column_score(x: pd.Series, y: pd.Series, classification: bool, numeric: bool, seed: int) -> float:
    """Out-of-fold score of predicting ``y`` from ``x`` alone."""
    if classification:
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    else:
        folds = KFold(n_splits=3, shuffle=True, random_state=seed)
    y_values = y.to_numpy()
    predicted = np.empty(len(y), dtype=object if classification else float)
    if numeric:
        values = _as_number(x).to_numpy().reshape(-1, 1)
    else:
        values = x.astype(str).where(x.notna(), "<missing>").to_numpy()
    for train_idx, test_idx in folds.split(values, y_values if classification else None):
        if numeric:
            model = (DecisionTreeClassifier if classification else DecisionTreeRegressor)(max_depth=3, random_state=seed)
            model.fit(values[train_idx], y_values[train_idx])
            predicted[test_idx] = model.predict(values[test_idx])
        else:
            frame = pd.DataFrame({"x": values[train_idx], "y": y_values[train_idx]})
            if classification:
                lookup = frame.groupby(["x", "y"]).size().unstack(fill_value=0).idxmax(axis=1)
                fallback = frame["y"].value_counts().index[0]
            else:
                lookup = frame.groupby("x")["y"].mean()
                fallback = frame["y"].mean()
            predicted[test_idx] = pd.Series(values[test_idx]).map(lookup).fillna(fallback).to_numpy()
    if classification:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(balanced_accuracy_score(y_values.astype(str), predicted.astype(str)))
    return float(r2_score(y_values.astype(float), predicted.astype(float)))


def check_leakage(
    frame: pd.DataFrame, schema: dict[str, Any], *, seed: int = 42, max_rows: int = 5000
) -> dict[str, float]:
    """Per feature column: how well it alone predicts the target (out of fold)."""
    target = schema["target"]
    classification = schema["problem_type"] != "regression"
    rows = _sample(frame[frame[target].notna()], max_rows, seed)
    y = rows[target].astype(str) if classification else rows[target].astype(float)
    if classification and y.value_counts().min() < 3:
        keep = y.map(y.value_counts()) >= 3
        rows, y = rows[keep], y[keep]
        if y.nunique() < 2:
            return {}
    scores: dict[str, float] = {}
    for column in schema["feature_columns"]:
        kind = schema["column_types"].get(column)
        x = rows[column]
        if x.isna().all():
            continue
        numeric = kind in ("numeric", "datetime") or (kind == "boolean" and pd.api.types.is_numeric_dtype(x))
        if kind == "datetime" and not (pd.api.types.is_datetime64_any_dtype(x) or pd.api.types.is_numeric_dtype(x)):
            numeric = False
        scores[column] = round(_single_column_score(x, y, classification, numeric, seed), 4)
    return scores


def check_shift(
    dataset: pd.DataFrame, schema: dict[str, Any], *, sample_rows: int = 100_000, seed: int = 42
) -> dict[str, dict[str, Any]]:
    """Per feature column: distance between its train and test distributions, with a p-value."""
    train = _sample(dataset[dataset["split"] != "test"], sample_rows, seed)
    test = _sample(dataset[dataset["split"] == "test"], sample_rows, seed)
    out: dict[str, dict[str, Any]] = {}
    if len(train) < 5 or len(test) < 5:
        return out
    for column in schema["feature_columns"]:
        kind = schema["column_types"].get(column)
        a, b = train[column], test[column]
        if kind in ("numeric", "datetime") and (pd.api.types.is_numeric_dtype(a) or pd.api.types.is_datetime64_any_dtype(a)):
            xa, xb = _as_number(a).dropna(), _as_number(b).dropna()
            if len(xa) < 5 or len(xb) < 5:
                continue
            result = stats.ks_2samp(xa.to_numpy(), xb.to_numpy())
            out[column] = {"kind": "ks", "statistic": round(float(result.statistic), 4), "pvalue": float(result.pvalue)}
        else:
            fa = a.astype(str).where(a.notna(), "<missing>").value_counts()
            fb = b.astype(str).where(b.notna(), "<missing>").value_counts()
            if len(fa) > 200:  # keep the test readable: top categories, the rest pooled
                top = fa.index[:200]
                fa = pd.concat([fa[top], pd.Series({"<other>": fa.drop(top).sum()})])
                fb = pd.concat([fb.reindex(top, fill_value=0), pd.Series({"<other>": fb.drop(top, errors="ignore").sum()})])
            table = pd.concat([fa, fb], axis=1).fillna(0)
            shares = table / table.sum()
            tvd = float(0.5 * (shares.iloc[:, 0] - shares.iloc[:, 1]).abs().sum())
            pvalue = 1.0
            if len(table) > 1:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pvalue = float(stats.chi2_contingency(table.to_numpy().T + 0.5)[1])
            out[column] = {"kind": "tvd", "statistic": round(tvd, 4), "pvalue": pvalue}
    return out


def _column_profiles(dataset: pd.DataFrame, schema: dict[str, Any], columns: list[str]) -> list[dict[str, Any]]:
    types = schema.get("all_column_types") or {**schema["column_types"], schema["target"]: schema.get("target_type")}
    reasons = schema.get("column_type_reasons", {})
    n = len(dataset)
    personal = set(schema.get("personal_columns") or [])  # only the id column can still be here
    profiles = []
    for column in columns:
        series = dataset[column]
        n_missing = int(series.isna().sum())
        counts = series.value_counts(dropna=True)
        n_unique = int(len(counts))
        top_share = float(counts.iloc[0] / n) if n_unique and n else 0.0
        profile = {
            "column": column,
            "type": types.get(column),
            "reason": reasons.get(column),
            "dtype": str(series.dtype),
            "role": "target" if column == schema["target"] else ("feature" if column in schema["feature_columns"] else "ignored"),
            "n_missing": n_missing,
            "missing_rate": round(n_missing / n, 4) if n else 0.0,
            "n_unique": n_unique,
            "top_value": None if not n_unique else (MASK if column in personal else str(counts.index[0])[:60]),
            "top_value_share": round(top_share, 4),
        }
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values = series.to_numpy(dtype=float, na_value=np.nan)
            infinite = np.isinf(values)
            profile["n_infinite"] = int(infinite.sum())
            finite = pd.Series(np.where(infinite, np.nan, values)) if profile["n_infinite"] else series
            if n_missing + profile["n_infinite"] < n and column not in personal:  # JSON has no inf: finite stats
                described = finite.describe()
                profile.update({k: float(described[k]) for k in ("mean", "std", "min", "max") if k in described})
        profiles.append(profile)
    return profiles


def audit_settings(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The audit section with its defaults filled in from :class:`AuditParams` (None means default)."""
    return {**DEFAULTS, **{k: v for k, v in (params or {}).items() if v is not None}}


class AuditData:
    """What every check reads: the table, its schema, the settings, and measurements made once.

    The measurements (column profiles, duplicates, target summary, outliers, leakage, shift) are
    computed on first use and shared by the checks and the report.
    """

    def __init__(self, dataset: pd.DataFrame, schema: dict[str, Any], settings: dict[str, Any]):
        self.dataset, self.schema, self.settings = dataset, schema, settings
        self.seed = int(settings["seed"])
        self.target = schema["target"]
        self.features = list(schema["feature_columns"])
        self.types = schema["column_types"]
        self.classification = schema["problem_type"] != "regression"
        self.n_rows = int(len(dataset))
        self.data_columns = [c for c in dataset.columns if c not in ("sample_id", "split")]
        self.sample = _sample(dataset, int(settings["sample_rows"]), self.seed)
        self.score_name = "balanced accuracy" if self.classification else "R²"

    @cached_property
    def profiles(self) -> list[dict[str, Any]]:
        return _column_profiles(self.dataset, self.schema, self.data_columns)

    @cached_property
    def by_column(self) -> dict[str, dict[str, Any]]:
        return {pr["column"]: pr for pr in self.profiles}

    @cached_property
    def missing(self) -> dict[str, float]:
        """Missing rate of every column but the target."""
        return {pr["column"]: pr["missing_rate"] for pr in self.profiles if pr["column"] != self.target}

    @cached_property
    def n_duplicates(self) -> int:
        hashed = pd.util.hash_pandas_object(self.dataset[self.data_columns], index=False)
        return int(hashed.duplicated().sum())

    @cached_property
    def target_info(self) -> dict[str, Any]:
        return _target_summary(self.dataset[self.target], self.schema, self.classification)

    @cached_property
    def outliers(self) -> dict[str, dict[str, Any]]:
        numeric = [c for c in self.features
                   if self.types.get(c) == "numeric" and pd.api.types.is_numeric_dtype(self.sample[c])]
        return _outliers(self.sample, numeric, float(self.settings["outlier_iqr"]))

    @cached_property
    def leakage(self) -> dict[str, float]:
        return check_leakage(self.dataset[self.dataset["split"] != "test"], self.schema, seed=self.seed,
                             max_rows=int(self.settings["leakage_rows"]))

    @cached_property
    def shift(self) -> dict[str, dict[str, Any]]:
        return check_shift(self.dataset, self.schema, sample_rows=int(self.settings["sample_rows"]), seed=self.seed)


def _target_summary(y: pd.Series, schema: dict[str, Any], classification: bool) -> dict[str, Any]:
    """Class counts and shares, or the range and skewness of a numeric target."""
    info: dict[str, Any] = {"column": schema["target"], "problem_type": schema["problem_type"],
                            "rule": schema.get("problem_type_rule")}
    if classification:
        counts = y.astype(str).value_counts()
        info["class_counts"] = {str(k): int(v) for k, v in counts.items()}
        info["minority_share"] = round(float((counts / counts.sum()).min()), 4)
        info["imbalance_ratio"] = round(float(counts.max() / counts.min()), 2)
    else:
        values = y.astype(float)
        info.update({"mean": float(values.mean()), "std": float(values.std()), "min": float(values.min()),
                     "max": float(values.max()), "skewness": round(float(values.skew()), 3)})
    return info


def _outliers(sample: pd.DataFrame, columns: list[str], k: float) -> dict[str, dict[str, Any]]:
    """Per column: values more than ``k`` interquartile ranges beyond the middle half."""
    outliers: dict[str, dict[str, Any]] = {}
    for column in columns:
        values = sample[column].dropna().astype(float)
        if len(values) < 10:
            continue
        q1, q3 = np.percentile(values, [25, 75])
        iqr = q3 - q1
        if iqr <= 0:
            continue
        low, high = q1 - k * iqr, q3 + k * iqr
        n_out = int(((values < low) | (values > high)).sum())
        if n_out:
            outliers[column] = {"n": n_out, "rate": round(n_out / len(values), 4), "low_fence": float(low), "high_fence": float(high)}
    return outliers


Findings = list[dict[str, Any]]


def _about_columns(fid: str, severity: str, title: str, columns: list[str],
                   detail: Callable[[list[str]], str], action: str) -> Findings:
    """One finding naming ``columns`` (``detail(columns)`` words it), or none when there are none."""
    return [_finding(fid, severity, title, detail(columns), action, columns)] if columns else []


# -- the checks: each reads the AuditData and returns its findings, in the order they are listed ---------
def source_notes(a: AuditData) -> Findings:
    """Notes from reading and building (semicolon / Latin-1 files, rows without target, split fallbacks)."""
    findings = []
    for note in a.schema.get("notes", []):
        if "Latin-1" in note or "UTF-16" in note:
            findings.append(_finding("encoding", "warning", "The file is not in UTF-8", note,
                                     "Check in the report's column list that accented characters look right; "
                                     "set data.encoding to force an encoding, or save the file as UTF-8."))
        elif "separated" in note or "single column" in note:
            findings.append(_finding("delimiter", "warning", "Unusual column separator", note,
                                     "Check that the columns listed below are the ones you expect; set data.delimiter to force it."))
        elif "without a target" in note:
            findings.append(_finding("missing_target", "info", "Rows without a target", note,
                                     "They cannot teach the model anything; fill in the target if you know it."))
        else:
            findings.append(_finding("build_note", "info", "While building the dataset", note, "For information."))
    return findings


def missing_values(a: AuditData) -> Findings:
    threshold, missing = a.settings["missing_warning"], a.missing
    heavy = [c for c, r in missing.items() if r >= threshold and c in a.features]
    any_missing = [c for c, r in missing.items() if r > 0 and c in a.features]
    light = [c for c in any_missing if c not in heavy] if len(any_missing) > len(heavy) else []
    return _about_columns(
        "missing_many", "warning", "Columns with many missing values", heavy,
        lambda cols: f"{_names(cols)} {'is' if len(cols) == 1 else 'are'} empty in at least {_pct(threshold)} of rows "
                     f"(worst: `{max(cols, key=missing.get)}` at {_pct(max(missing[c] for c in cols))}).",
        "They are filled in automatically (imputation), but such filled values carry little information. "
        "Check why they are missing; drop the column (data.edit.drop) if it is mostly empty.",
    ) + _about_columns(
        "missing_some", "info", "Some missing values", light,
        lambda cols: f"{_names(cols)} {_verb(cols, 'has', 'have')} a few empty cells (at most {_pct(max(missing[c] for c in cols))}).",
        "Nothing to do: preprocessing fills them (median for numbers, most frequent value for categories).")


def infinite_values(a: AuditData) -> Findings:
    counts = {c: a.by_column[c].get("n_infinite", 0) for c in a.features}
    return _about_columns(
        "infinite_values", "warning", "Infinite numbers", [c for c, k in counts.items() if k],
        lambda cols: f"{_names(cols)} {_verb(cols, 'holds', 'hold')} infinite values (inf or -inf, e.g. a division "
                     f"by zero): {sum(counts[c] for c in cols)} cell(s) in all.",
        "The scaled models (linear, kNN, MLP, forests) read them as missing values; the boosters as beyond the "
        "largest or smallest number. If they mean something (no denominator), a column saying so is clearer.")


def spelling_variants(a: AuditData) -> Findings:
    """Category values that differ only in upper / lower case ("Yes" / "yes"): one value typed two ways, which
    the model learns as two (and, in the target, as two classes)."""
    columns = [c for c in a.features if a.types.get(c) in ("categorical", "boolean")]
    columns += [a.target] if a.classification else []
    variants: dict[str, list[list[str]]] = {}
    for column in columns:
        values = pd.Series(a.sample[column].dropna().astype(str).unique())
        spellings = [sorted(g) for g in values.groupby(values.str.casefold()).agg(list) if len(g) > 1]
        if spellings:
            variants[column] = spellings
    example = next(iter(variants.items()), (None, [["", ""]]))
    return _about_columns(
        "spelling_variants", "warning", "Values spelled in several ways", list(variants),
        lambda cols: "; ".join(f"`{c}`: " + ", ".join(" / ".join(repr(v) for v in g) for g in variants[c][:3])
                               for c in cols[:6]) + " (they differ only in upper / lower case).",
        "If they mean the same, give them one spelling, e.g. data.edit.replace: "
        f"{{{example[0]}: {{{example[1][0][1]!r}: {example[1][0][0]!r}}}}}; otherwise the model learns them as "
        "different values.")


def duplicate_rows(a: AuditData) -> Findings:
    if not a.n_duplicates:
        return []
    rate = a.n_duplicates / a.n_rows
    return [_finding(
        "duplicates", "warning" if rate >= 0.01 else "info", "Duplicate rows",
        f"{a.n_duplicates} row(s) ({_pct(rate)}) repeat an earlier row exactly.",
        "If they are copies by mistake, remove them: duplicates can appear in both train and test and make "
        "scores look better than they are.")]


def constant_columns(a: AuditData) -> Findings:
    return _about_columns(
        "constant", "info", "Columns with a single value",
        [c for c, why in a.schema.get("excluded_columns", {}).items() if why.startswith("constant")],
        lambda cols: f"{_names(cols)} {_verb(cols, 'holds', 'hold')} one value (or nothing) in every row.",
        "They carry no information and are left out of the model automatically.")


def near_constant_columns(a: AuditData) -> Findings:
    threshold = a.settings["near_constant"]
    return _about_columns(
        "near_constant", "warning", "Columns that almost never change",
        [c for c in a.features if a.by_column[c]["top_value_share"] >= threshold and a.by_column[c]["n_unique"] > 1],
        lambda cols: f"In {_names(cols)} one value covers at least {_pct(threshold)} of rows.",
        "They rarely help and can mislead on rare values; consider dropping them (data.edit.drop).")


def id_like_columns(a: AuditData) -> Findings:
    return _about_columns(
        "id_like", "warning", "ID-like columns",
        [c for c, why in a.schema.get("excluded_columns", {}).items() if why.startswith("id") or why == "the id column"],
        lambda cols: f"{_names(cols)} {_verb(cols, 'looks like an identifier', 'look like identifiers')} "
                     "(a different value in nearly every row).",
        "They are left out of the model: an identifier cannot generalise to new rows. If one is a real "
        "feature, force its type with data.column_types.")


def high_cardinality_columns(a: AuditData) -> Findings:
    limit = a.settings["high_cardinality"]
    return _about_columns(
        "high_cardinality", "warning", "Categories with very many values",
        [c for c in a.features if a.types.get(c) == "categorical" and a.by_column[c]["n_unique"] > limit],
        lambda cols: f"{_names(cols)} {_verb(cols, 'has', 'have')} more than {limit} distinct values "
                     f"(`{cols[0]}`: {a.by_column[cols[0]]['n_unique']}).",
        "One-hot encoding would create too many columns; they are encoded by frequency instead "
        "(featurize high_cardinality_encoder). Group rare values if you know the domain.")


def free_text_columns(a: AuditData) -> Findings:
    return _about_columns(
        "free_text", "info", "Free-text columns", [c for c in a.features if a.types.get(c) == "text"],
        lambda cols: f"{_names(cols)} {_verb(cols, 'holds', 'hold')} free text.",
        "The default preprocessing summarises text by its length only; extract what matters "
        "(e.g. keywords) into separate columns if it is important.")


def personal_columns(a: AuditData) -> Findings:
    personal = list(a.schema.get("personal_columns") or [])
    if not personal:
        return []
    kept_id = [c for c in personal if c == a.schema.get("id_column")]
    dropped = [c for c in personal if c not in kept_id]
    detail = (f"{_names(dropped)} {_verb(dropped, 'was', 'were')} declared personal (data.personal_columns) and "
              "excluded: dropped when the data was read, never a feature, no value stored or shown." if dropped else "")
    if kept_id:
        detail += (f" The id column {_names(kept_id)} is personal too: it only names rows (kept as sample_id), "
                   "its values are not profiled.")
    return [_finding("personal", "info", "Personal columns excluded", detail.strip(),
                     "Nothing to do. To use such a column, take it out of data.personal_columns.", personal)]


def class_balance(a: AuditData) -> Findings:
    if not a.classification:
        return []
    counts = a.dataset[a.target].astype(str).value_counts()
    shares = counts / counts.sum()
    findings = []
    if shares.min() < a.settings["imbalance_warning"]:
        findings.append(_finding(
            "imbalance", "warning", "Unbalanced classes",
            f"The rarest class `{counts.idxmin()}` is only {_pct(float(shares.min()))} of rows "
            f"({int(counts.min())} rows; the most common `{counts.idxmax()}` has {int(counts.max())}).",
            "Accuracy can look good while the rare class is always missed: judge models on balanced accuracy or F1 "
            "(train.metric), and collect more rare examples if you can."))
    tiny = [str(k) for k, v in counts.items() if v < 10]
    if tiny:
        findings.append(_finding("tiny_classes", "warning", "Classes with very few examples",
                                 f"Class(es) {', '.join(f'`{t}`' for t in tiny)} have fewer than 10 rows.",
                                 "Results for them will be unreliable; merge them or collect more rows."))
    return findings


def target_skew(a: AuditData) -> Findings:
    skew = None if a.classification else float(a.dataset[a.target].astype(float).skew())
    if skew is None or abs(skew) <= 2:
        return []
    return [_finding("target_skew", "info", "Lopsided target",
                     f"Most targets are small with a long tail of large ones (skewness {skew:.1f}).",
                     "Errors on the few large values will dominate; consider predicting the logarithm.")]


def extreme_values(a: AuditData) -> Findings:
    outliers = a.outliers
    if not outliers:
        return []
    worst = sorted(outliers, key=lambda c: -outliers[c]["rate"])
    heavy = [c for c in worst if outliers[c]["rate"] >= 0.01]
    return [_finding(
        "outliers", "warning" if heavy else "info", "Extreme values",
        f"{_names(worst)} {_verb(worst, 'has', 'have')} values far from the rest (more than {float(a.settings['outlier_iqr']):g} "
        f"interquartile ranges beyond the middle half); `{worst[0]}`: {_pct(outliers[worst[0]]['rate'])} of rows.",
        "Check they are real and not typos or codes such as -999; clip them (data.edit.clip) if they are errors. "
        "Tree models cope with them; linear models are sensitive.", worst)]


def leaking_columns(a: AuditData) -> Findings:
    scores, critical, warning = a.leakage, a.settings["leakage_critical"], a.settings["leakage_warning"]
    return _about_columns(
        "leakage", "critical", "Suspected leakage: a column gives the answer away",
        [c for c, s in scores.items() if s >= critical],
        lambda cols: f"{_names(cols)} alone predict{'s' if len(cols) == 1 else ''} `{a.target}` almost perfectly "
                     f"({a.score_name} {max(scores[c] for c in cols):.3f}).",
        "Check whether the column is known before the target in real use (e.g. it is computed from the target, or "
        "recorded afterwards). If so, drop it (data.edit.drop): otherwise the model looks excellent here and fails "
        "in practice.",
    ) + _about_columns(
        "leakage_strong", "warning", "A column is a very strong predictor on its own",
        [c for c, s in scores.items() if warning <= s < critical],
        lambda cols: f"{_names(cols)} alone {_verb(cols, 'reaches', 'reach')} {a.score_name} {max(scores[c] for c in cols):.3f}.",
        "Possibly fine, but make sure it is available at prediction time and not derived from the target.")


def shifted_columns(a: AuditData) -> Findings:
    shift = a.shift

    def detail(cols: list[str]) -> str:
        worst = max(cols, key=lambda c: shift[c]["statistic"])
        return (f"{_names(cols)} {_verb(cols, 'is', 'are')} distributed differently in the test split "
                f"(largest gap: `{worst}`, {shift[worst]['statistic']:.2f}).")

    return _about_columns(
        "shift", "warning", "Test rows differ from training rows",
        [c for c, s in shift.items() if s["statistic"] > a.settings["shift_threshold"] and s["pvalue"] < a.settings["shift_pvalue"]],
        detail,
        "Expected with a time or group split; with a random split it suggests the test score will not match "
        "training. Check how the data was collected.")


def too_few_rows(a: AuditData) -> Findings:
    n_train = int((a.dataset["split"] != "test").sum())
    if n_train >= 100:
        return []
    return [_finding("small", "warning", "Very few rows", f"Only {n_train} rows are available for training.",
                     "Scores will vary a lot between runs; collect more data if you can.")]


# The audit, in order; findings are then sorted by severity (stable, so this order holds within a severity).
CHECKS = (source_notes, missing_values, infinite_values, spelling_variants, duplicate_rows, constant_columns, near_constant_columns, id_like_columns,
          high_cardinality_columns, free_text_columns, personal_columns, class_balance, target_skew,
          extreme_values, leaking_columns, shifted_columns, too_few_rows)


def _verdict(severity_counts: dict[str, int]) -> str:
    if severity_counts["critical"]:
        return "needs attention: fix the critical findings before trusting any model"
    if severity_counts["warning"]:
        return "usable, with warnings worth reading"
    return "usable: nothing serious found"


def audit(dataset: pd.DataFrame, schema: dict[str, Any], params: dict[str, Any] | None = None) -> tuple[dict[str, Any], str]:
    """The audit report (dict) and its plain-language markdown: every check of ``CHECKS`` in turn."""
    a = AuditData(dataset, schema, audit_settings(params))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings = sorted((f for check in CHECKS for f in check(a)), key=lambda f: order[f["severity"]])
    severity_counts = {s: sum(f["severity"] == s for f in findings) for s in SEVERITIES}
    report = {
        "summary": _summary(a, _verdict(severity_counts)),
        "severity_counts": severity_counts,
        "findings": findings,
        "columns": a.profiles,
        "missing_rate": a.missing,
        "target": a.target_info,
        "outliers": a.outliers,
        "leakage": {"rule": LEAKAGE_RULE.format(critical=a.settings["leakage_critical"], warning=a.settings["leakage_warning"]),
                    "metric": a.score_name, "scores": a.leakage},
        "shift": {"rule": SHIFT_RULE.format(threshold=a.settings["shift_threshold"], pvalue=a.settings["shift_pvalue"]),
                  "columns": a.shift},
        "settings": a.settings,
    }
    return report, render_markdown(report, schema)


def _summary(a: AuditData, verdict: str) -> dict[str, Any]:
    split_counts = a.dataset["split"].value_counts()
    return {
        "n_rows": a.n_rows,
        "n_columns": len(a.data_columns),
        "n_features": len(a.features),
        "n_ignored_columns": len([c for c in a.data_columns if c not in a.features and c != a.target]),
        "target": a.target,
        "problem_type": a.schema["problem_type"],
        "split_method": a.schema.get("split_method"),
        "splits": {s: int(split_counts.get(s, 0)) for s in ("train", "val", "test")},
        "n_duplicate_rows": a.n_duplicates,
        "sampled_rows": int(len(a.sample)) if len(a.sample) < a.n_rows else None,
        "verdict": verdict,
    }


_ICON = {"critical": "CRITICAL", "warning": "Warning", "info": "Note"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict[str, Any], schema: dict[str, Any]) -> str:
    """The report in plain language for someone who is not a data scientist."""
    s = report["summary"]
    counts = report["severity_counts"]
    lines = [f"# Data check: can we learn to predict `{s['target']}`?", ""]
    lines += [f"**Verdict: {s['verdict']}.**", ""]
    lines += [f"{counts['critical']} critical problem(s), {counts['warning']} warning(s), {counts['info']} note(s).", ""]
    for section in (_glance_lines, _findings_lines, _target_lines, _columns_lines, _reading_guide_lines):
        lines += section(report)
    return "\n".join(lines)


def _glance_lines(report: dict[str, Any]) -> list[str]:
    s, t = report["summary"], report["target"]
    kind = {"regression": "a number (regression)", "binary": "one of two classes (binary classification)",
            "multiclass": "one of several classes (multiclass classification)"}[s["problem_type"]]
    lines = ["## At a glance", "",
             f"- **{s['n_rows']:,} rows** and **{s['n_columns']} columns**; {s['n_features']} are used to predict, "
             f"{s['n_ignored_columns']} {'is' if s['n_ignored_columns'] == 1 else 'are'} ignored.",
             f"- The target `{s['target']}` is {kind}. Why: {t.get('rule')}",
             f"- Rows are split into {s['splits']['train']:,} for training"
             + (f", {s['splits']['val']:,} for validation" if s["splits"]["val"] else "")
             + f" and {s['splits']['test']:,} kept aside for the final test ({s['split_method']} split).",
             f"- Exact duplicate rows: {s['n_duplicate_rows']:,}."]
    if s.get("sampled_rows"):
        lines.append(f"- The slower checks (extreme values, leakage, train/test differences) looked at a random sample of {s['sampled_rows']:,} rows.")
    return lines + [""]


def _findings_lines(report: dict[str, Any]) -> list[str]:
    lines = ["## What we found", ""]
    if not report["findings"]:
        return lines + ["No problems found."]
    lines += ["| severity | finding | details | what to do |", "|---|---|---|---|"]
    for f in report["findings"]:
        lines.append(f"| {_ICON[f['severity']]} | {_cell(f['title'])} | {_cell(f['detail'])} | {_cell(f['action'])} |")
    return lines


def _target_lines(report: dict[str, Any]) -> list[str]:
    t = report["target"]
    lines = ["", "## The target", ""]
    if "class_counts" in t:
        total = sum(t["class_counts"].values())
        lines += ["| class | rows | share |", "|---|---|---|"]
        return lines + [f"| {_cell(k)} | {v:,} | {_pct(v / total)} |" for k, v in t["class_counts"].items()]
    return lines + [f"Ranges from {t['min']:.4g} to {t['max']:.4g}; average {t['mean']:.4g} (spread, standard deviation, {t['std']:.4g})."]


def _columns_lines(report: dict[str, Any]) -> list[str]:
    lines = ["", "## The columns", "",
             "| column | type | used? | missing | distinct values | notes |", "|---|---|---|---|---|---|"]
    leakage = report["leakage"]["scores"]
    for pr in report["columns"]:
        notes = []
        if pr["column"] in leakage and leakage[pr["column"]] >= report["settings"]["leakage_warning"]:
            notes.append(f"alone predicts the target with {report['leakage']['metric']} {leakage[pr['column']]:.2f}")
        if pr["column"] in report["outliers"]:
            notes.append(f"{_pct(report['outliers'][pr['column']]['rate'])} extreme values")
        if pr.get("reason") and pr["role"] == "ignored":
            notes.append(f"ignored: {pr['reason']}")
        used = {"target": "target", "feature": "yes", "ignored": "no"}[pr["role"]]
        lines.append(f"| {_cell(pr['column'])} | {pr['type']} | {used} | {_pct(pr['missing_rate'])} | {pr['n_unique']:,} | {_cell('; '.join(notes))} |")
    return lines


def _reading_guide_lines(report: dict[str, Any]) -> list[str]:
    return [
        "", "## How to read this", "",
        "- **CRITICAL**: results cannot be trusted until this is fixed. **Warning**: worth checking, the run goes on. "
        "**Note**: for information.",
        "- Column types: *numeric* (numbers), *categorical* (a limited set of labels), *boolean* (yes/no), "
        "*datetime* (dates), *text* (free text), *id* (identifiers, ignored), *constant* (one value, ignored). "
        "Change one with `data.column_types`.",
        f"- Leakage check: {report['leakage']['rule']}",
        f"- Train/test check: {report['shift']['rule']}",
        "",
    ]
