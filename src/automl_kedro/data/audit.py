"""The data audit: is this table usable, and what should be fixed first?

``audit(dataset, schema, params)`` returns ``(report, markdown)``. ``report`` is a JSON-ready dict;
every finding carries ``severity`` (``info`` | ``warning`` | ``critical``), a plain-language
``title`` and ``detail``, and ``action`` (what to do). Expensive checks (outliers, leakage,
train/test shift) run on a seeded sample of at most ``sample_rows`` rows so that a million rows
stay tractable; counts (missing values, duplicates, distinct values) use every row.
"""
from __future__ import annotations

import warnings
from typing import Any

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
    """Numbers for a numeric, boolean or datetime column (NaN where missing)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.astype("int64").astype(float)
        return values.where(series.notna())
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    return pd.to_numeric(series, errors="coerce").astype(float)


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
        if (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series) and n_missing < n
                and column not in personal):
            described = series.describe()
            profile.update({k: float(described[k]) for k in ("mean", "std", "min", "max") if k in described})
        profiles.append(profile)
    return profiles


def audit(dataset: pd.DataFrame, schema: dict[str, Any], params: dict[str, Any] | None = None) -> tuple[dict[str, Any], str]:
    """The audit report (dict) and its plain-language markdown."""
    p = {**DEFAULTS, **{k: v for k, v in (params or {}).items() if v is not None}}
    seed = int(p["seed"])
    target = schema["target"]
    features = list(schema["feature_columns"])
    classification = schema["problem_type"] != "regression"
    n_rows = int(len(dataset))
    data_columns = [c for c in dataset.columns if c not in ("sample_id", "split")]
    ignored = [c for c in data_columns if c not in features and c != target]
    findings: list[dict[str, Any]] = []
    sample = _sample(dataset, int(p["sample_rows"]), seed)
    sampled = len(sample) < n_rows

    # source notes (semicolon / Latin-1 files, rows without target, split fallbacks)
    for note in schema.get("notes", []):
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

    profiles = _column_profiles(dataset, schema, data_columns)
    by_column = {pr["column"]: pr for pr in profiles}

    # missing values
    missing = {pr["column"]: pr["missing_rate"] for pr in profiles if pr["column"] != target}
    heavy = [c for c, r in missing.items() if r >= p["missing_warning"] and c in features]
    any_missing = [c for c, r in missing.items() if r > 0 and c in features]
    if heavy:
        findings.append(_finding(
            "missing_many", "warning", "Columns with many missing values",
            f"{_names(heavy)} {'is' if len(heavy) == 1 else 'are'} empty in at least {_pct(p['missing_warning'])} of rows "
            f"(worst: `{max(heavy, key=missing.get)}` at {_pct(max(missing[c] for c in heavy))}).",
            "They are filled in automatically (imputation), but such filled values carry little information. "
            "Check why they are missing; drop the column (data.edit.drop) if it is mostly empty.", heavy))
    if any_missing and len(any_missing) > len(heavy):
        light = [c for c in any_missing if c not in heavy]
        findings.append(_finding(
            "missing_some", "info", "Some missing values",
            f"{_names(light)} {_verb(light, 'has', 'have')} a few empty cells (at most {_pct(max(missing[c] for c in light))}).",
            "Nothing to do: preprocessing fills them (median for numbers, most frequent value for categories).", light))

    # duplicates
    hashed = pd.util.hash_pandas_object(dataset[data_columns], index=False)
    n_dupes = int(hashed.duplicated().sum())
    if n_dupes:
        rate = n_dupes / n_rows
        findings.append(_finding(
            "duplicates", "warning" if rate >= 0.01 else "info", "Duplicate rows",
            f"{n_dupes} row(s) ({_pct(rate)}) repeat an earlier row exactly.",
            "If they are copies by mistake, remove them: duplicates can appear in both train and test and make "
            "scores look better than they are."))

    # constant / near-constant / id-like / text / high cardinality
    constant = [c for c, why in schema.get("excluded_columns", {}).items() if why.startswith("constant")]
    if constant:
        findings.append(_finding("constant", "info", "Columns with a single value",
                                 f"{_names(constant)} {_verb(constant, 'holds', 'hold')} one value (or nothing) in every row.",
                                 "They carry no information and are left out of the model automatically.", constant))
    near = [c for c in features if by_column[c]["top_value_share"] >= p["near_constant"] and by_column[c]["n_unique"] > 1]
    if near:
        findings.append(_finding("near_constant", "warning", "Columns that almost never change",
                                 f"In {_names(near)} one value covers at least {_pct(p['near_constant'])} of rows.",
                                 "They rarely help and can mislead on rare values; consider dropping them (data.edit.drop).", near))
    id_like = [c for c, why in schema.get("excluded_columns", {}).items() if why.startswith("id") or why == "the id column"]
    if id_like:
        findings.append(_finding("id_like", "warning", "ID-like columns",
                                 f"{_names(id_like)} {_verb(id_like, 'looks like an identifier', 'look like identifiers')} (a different value in nearly every row).",
                                 "They are left out of the model: an identifier cannot generalise to new rows. If one is a real "
                                 "feature, force its type with data.column_types.", id_like))
    types = schema["column_types"]
    high_card = [c for c in features if types.get(c) == "categorical" and by_column[c]["n_unique"] > p["high_cardinality"]]
    if high_card:
        findings.append(_finding("high_cardinality", "warning", "Categories with very many values",
                                 f"{_names(high_card)} {_verb(high_card, 'has', 'have')} more than {p['high_cardinality']} distinct values "
                                 f"(`{high_card[0]}`: {by_column[high_card[0]]['n_unique']}).",
                                 "One-hot encoding would create too many columns; they are encoded by frequency instead "
                                 "(featurize high_cardinality_encoder). Group rare values if you know the domain.", high_card))
    text_cols = [c for c in features if types.get(c) == "text"]
    if text_cols:
        findings.append(_finding("free_text", "info", "Free-text columns",
                                 f"{_names(text_cols)} {_verb(text_cols, 'holds', 'hold')} free text.",
                                 "The default preprocessing summarises text by its length only; extract what matters "
                                 "(e.g. keywords) into separate columns if it is important.", text_cols))

    personal = list(schema.get("personal_columns") or [])
    if personal:
        kept_id = [c for c in personal if c == schema.get("id_column")]
        dropped = [c for c in personal if c not in kept_id]
        detail = (f"{_names(dropped)} {_verb(dropped, 'was', 'were')} declared personal (data.personal_columns) and "
                  "excluded: dropped when the data was read, never a feature, no value stored or shown." if dropped else "")
        if kept_id:
            detail += (f" The id column {_names(kept_id)} is personal too: it only names rows (kept as sample_id), "
                       "its values are not profiled.")
        findings.append(_finding("personal", "info", "Personal columns excluded", detail.strip(),
                                 "Nothing to do. To use such a column, take it out of data.personal_columns.", personal))

    # target
    y = dataset[target]
    target_info: dict[str, Any] = {"column": target, "problem_type": schema["problem_type"],
                                   "rule": schema.get("problem_type_rule")}
    if classification:
        counts = y.astype(str).value_counts()
        target_info["class_counts"] = {str(k): int(v) for k, v in counts.items()}
        shares = counts / counts.sum()
        target_info["minority_share"] = round(float(shares.min()), 4)
        target_info["imbalance_ratio"] = round(float(counts.max() / counts.min()), 2)
        if shares.min() < p["imbalance_warning"]:
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
    else:
        values = y.astype(float)
        skew = float(values.skew())
        target_info.update({"mean": float(values.mean()), "std": float(values.std()), "min": float(values.min()),
                            "max": float(values.max()), "skewness": round(skew, 3)})
        if abs(skew) > 2:
            findings.append(_finding("target_skew", "info", "Lopsided target",
                                     f"Most targets are small with a long tail of large ones (skewness {skew:.1f}).",
                                     "Errors on the few large values will dominate; consider predicting the logarithm."))

    # outliers (sampled)
    outliers: dict[str, dict[str, Any]] = {}
    k = float(p["outlier_iqr"])
    for column in features:
        if types.get(column) != "numeric" or not pd.api.types.is_numeric_dtype(sample[column]):
            continue
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
    if outliers:
        worst = sorted(outliers, key=lambda c: -outliers[c]["rate"])
        heavy_out = [c for c in worst if outliers[c]["rate"] >= 0.01]
        findings.append(_finding(
            "outliers", "warning" if heavy_out else "info", "Extreme values",
            f"{_names(worst)} {_verb(worst, 'has', 'have')} values far from the rest (more than {k:g} interquartile ranges beyond the middle half); "
            f"`{worst[0]}`: {_pct(outliers[worst[0]]['rate'])} of rows.",
            "Check they are real and not typos or codes such as -999; clip them (data.edit.clip) if they are errors. "
            "Tree models cope with them; linear models are sensitive.", worst))

    # leakage
    leakage = check_leakage(dataset[dataset["split"] != "test"], schema, seed=seed, max_rows=int(p["leakage_rows"]))
    critical_leak = [c for c, s in leakage.items() if s >= p["leakage_critical"]]
    warn_leak = [c for c, s in leakage.items() if p["leakage_warning"] <= s < p["leakage_critical"]]
    score_name = "balanced accuracy" if classification else "R²"
    if critical_leak:
        findings.append(_finding(
            "leakage", "critical", "Suspected leakage: a column gives the answer away",
            f"{_names(critical_leak)} alone predict{'s' if len(critical_leak) == 1 else ''} `{target}` almost perfectly "
            f"({score_name} {max(leakage[c] for c in critical_leak):.3f}).",
            "Check whether the column is known before the target in real use (e.g. it is computed from the target, or "
            "recorded afterwards). If so, drop it (data.edit.drop): otherwise the model looks excellent here and fails "
            "in practice.", critical_leak))
    if warn_leak:
        findings.append(_finding(
            "leakage_strong", "warning", "A column is a very strong predictor on its own",
            f"{_names(warn_leak)} alone {_verb(warn_leak, 'reaches', 'reach')} {score_name} {max(leakage[c] for c in warn_leak):.3f}.",
            "Possibly fine, but make sure it is available at prediction time and not derived from the target.", warn_leak))

    # train/test shift
    shift = check_shift(dataset, schema, sample_rows=int(p["sample_rows"]), seed=seed)
    shifted = [c for c, s in shift.items() if s["statistic"] > p["shift_threshold"] and s["pvalue"] < p["shift_pvalue"]]
    if shifted:
        worst = max(shifted, key=lambda c: shift[c]["statistic"])
        findings.append(_finding(
            "shift", "warning", "Test rows differ from training rows",
            f"{_names(shifted)} {_verb(shifted, 'is', 'are')} distributed differently in the test split (largest gap: `{worst}`, "
            f"{shift[worst]['statistic']:.2f}).",
            "Expected with a time or group split; with a random split it suggests the test score will not match "
            "training. Check how the data was collected.", shifted))

    # size
    n_train = int((dataset["split"] != "test").sum())
    if n_train < 100:
        findings.append(_finding("small", "warning", "Very few rows", f"Only {n_train} rows are available for training.",
                                 "Scores will vary a lot between runs; collect more data if you can."))

    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: order[f["severity"]])
    severity_counts = {s: sum(f["severity"] == s for f in findings) for s in SEVERITIES}
    if severity_counts["critical"]:
        verdict = "needs attention: fix the critical findings before trusting any model"
    elif severity_counts["warning"]:
        verdict = "usable, with warnings worth reading"
    else:
        verdict = "usable: nothing serious found"
    split_counts = dataset["split"].value_counts()
    report = {
        "summary": {
            "n_rows": n_rows,
            "n_columns": len(data_columns),
            "n_features": len(features),
            "n_ignored_columns": len(ignored),
            "target": target,
            "problem_type": schema["problem_type"],
            "split_method": schema.get("split_method"),
            "splits": {s: int(split_counts.get(s, 0)) for s in ("train", "val", "test")},
            "n_duplicate_rows": n_dupes,
            "sampled_rows": int(len(sample)) if sampled else None,
            "verdict": verdict,
        },
        "severity_counts": severity_counts,
        "findings": findings,
        "columns": profiles,
        "missing_rate": missing,
        "target": target_info,
        "outliers": outliers,
        "leakage": {"rule": LEAKAGE_RULE.format(critical=p["leakage_critical"], warning=p["leakage_warning"]),
                    "metric": score_name, "scores": leakage},
        "shift": {"rule": SHIFT_RULE.format(threshold=p["shift_threshold"], pvalue=p["shift_pvalue"]), "columns": shift},
        "settings": p,
    }
    return report, render_markdown(report, schema)


_ICON = {"critical": "CRITICAL", "warning": "Warning", "info": "Note"}


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict[str, Any], schema: dict[str, Any]) -> str:
    """The report in plain language for someone who is not a data scientist."""
    s = report["summary"]
    t = report["target"]
    lines = [f"# Data check: can we learn to predict `{s['target']}`?", ""]
    lines += [f"**Verdict: {s['verdict']}.**", ""]
    counts = report["severity_counts"]
    lines += [f"{counts['critical']} critical problem(s), {counts['warning']} warning(s), {counts['info']} note(s).", ""]
    lines += ["## At a glance", ""]
    kind = {"regression": "a number (regression)", "binary": "one of two classes (binary classification)",
            "multiclass": "one of several classes (multiclass classification)"}[s["problem_type"]]
    lines += [
        f"- **{s['n_rows']:,} rows** and **{s['n_columns']} columns**; {s['n_features']} are used to predict, "
        f"{s['n_ignored_columns']} {'is' if s['n_ignored_columns'] == 1 else 'are'} ignored.",
        f"- The target `{s['target']}` is {kind}. Why: {t.get('rule')}",
        f"- Rows are split into {s['splits']['train']:,} for training"
        + (f", {s['splits']['val']:,} for validation" if s["splits"]["val"] else "")
        + f" and {s['splits']['test']:,} kept aside for the final test ({s['split_method']} split).",
        f"- Exact duplicate rows: {s['n_duplicate_rows']:,}.",
    ]
    if s.get("sampled_rows"):
        lines.append(f"- The slower checks (extreme values, leakage, train/test differences) looked at a random sample of {s['sampled_rows']:,} rows.")
    lines.append("")
    lines += ["## What we found", ""]
    if report["findings"]:
        lines += ["| severity | finding | details | what to do |", "|---|---|---|---|"]
        for f in report["findings"]:
            lines.append(f"| {_ICON[f['severity']]} | {_cell(f['title'])} | {_cell(f['detail'])} | {_cell(f['action'])} |")
    else:
        lines.append("No problems found.")
    lines += ["", "## The target", ""]
    if "class_counts" in t:
        total = sum(t["class_counts"].values())
        lines += ["| class | rows | share |", "|---|---|---|"]
        lines += [f"| {_cell(k)} | {v:,} | {_pct(v / total)} |" for k, v in t["class_counts"].items()]
    else:
        lines.append(f"Ranges from {t['min']:.4g} to {t['max']:.4g}; average {t['mean']:.4g} (spread, standard deviation, {t['std']:.4g}).")
    lines += ["", "## The columns", "",
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
    lines += [
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
    return "\n".join(lines)
