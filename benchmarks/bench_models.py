"""Benchmark: our training engine vs a default HistGradientBoosting, FLAML and AutoGluon on real data.

One command (not part of the test suite):

    python benchmarks/bench_models.py --sets wage,default --budgets 30,120 --tools ours,hgb,flaml,autogluon
    python benchmarks/bench_models.py --sets dev --budgets 30 --tools ours          # peers from the cache
    PYTHONPATH=/work/wt/engine/src python benchmarks/bench_models.py --sets all --budgets 30
    python benchmarks/bench_models.py --scale 300k,1m --budgets 60                   # wall-time / memory rule

Data sets: ``bench_datasets.py`` (real, shipped by pip packages, offline; dev vs held out). Each set,
split seed and budget gives one seeded 75/25 train/test split (stratified for classification) shared
by every tool. Every tool runs in its own child process (peak RSS is that run's alone) on the same
train/test parquet files; the parent scores the returned test predictions, so scoring is done in one
place. Peer results (scores + test predictions) are cached under ``benchmarks/results/cache/`` keyed
by (set, split seed, budget, tool): only "ours" runs again when only our engine changed
(``--rerun-peers`` forces them). Which source of ours runs is chosen by PYTHONPATH; its git sha is
printed and stored. Raw rows go to ``benchmarks/results/bench_models_<stamp>.csv`` and the markdown
table to ``.md`` next to it (git-ignored).

Scores: R2 (regression), ROC AUC (binary), accuracy (multiclass); secondary RMSE / log loss.
Noise: the bootstrap standard deviation of the best peer's score over the test rows, and of the
paired difference ours - best peer (same resampled rows), so "within noise" can be stated.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

TARGET = "__target__"
METRIC = {"regression": "r2", "binary": "roc_auc", "multiclass": "accuracy"}
SECONDARY = {"regression": "rmse", "binary": "log_loss", "multiclass": "log_loss"}
PEERS = ("hgb", "flaml", "autogluon")
TOOLS = ("ours",) + PEERS
RESULTS = HERE / "results"
CACHE = RESULTS / "cache"
AUTOGLUON_PYTHON = os.environ.get("AUTOGLUON_PYTHON", "/work/bench-venv/bin/python")
N_BOOT = 300


# ----------------------------------------------------------------------------------------------
# tools (run inside the child process): fit on train, return test predictions
# ----------------------------------------------------------------------------------------------

def _categorical(X: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas ``category`` (what a user does for native categorical support)."""
    X = X.copy()
    for c in X.columns:
        if not (pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_datetime64_any_dtype(X[c])):
            X[c] = X[c].astype("category")
    return X


def _hgb_frame(X: pd.DataFrame, categories: dict) -> pd.DataFrame:
    """HGB's inputs: dates as epoch seconds, categories fixed on train; >255 levels become codes."""
    X = X.copy()
    for c in X.columns:
        if pd.api.types.is_datetime64_any_dtype(X[c]):
            X[c] = X[c].astype("int64") / 1e9
        elif c in categories:
            cat = pd.Categorical(X[c].astype(object), categories=categories[c])
            X[c] = cat.codes.astype(float) if len(categories[c]) > 255 else cat
            if len(categories[c]) > 255:
                X.loc[cat.codes < 0, c] = np.nan
    return X


def fit_hgb(Xtr, ytr, Xte, task, budget, seed):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    cats = {c: sorted(pd.Series(Xtr[c]).dropna().astype(str).unique()) for c in Xtr.columns
            if not (pd.api.types.is_numeric_dtype(Xtr[c]) or pd.api.types.is_datetime64_any_dtype(Xtr[c]))}
    cls = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    model = cls(categorical_features="from_dtype", random_state=seed).fit(_hgb_frame(Xtr, cats), ytr)
    return model, _hgb_frame(Xte, cats), "hgb default"


def fit_flaml(Xtr, ytr, Xte, task, budget, seed):
    from flaml import AutoML

    automl = AutoML()
    automl.fit(_categorical(Xtr), ytr, task="regression" if task == "regression" else "classification",
               time_budget=budget, metric=METRIC[task], seed=seed, n_jobs=2, verbose=0)
    return automl, _categorical(Xte), str(automl.best_estimator)


def fit_ours(Xtr, ytr, Xte, task, budget, seed):
    """Our engine through one adapter: ``fit_frame`` when the source has it, else the round-1 API."""
    try:
        from automl_kedro.ml.engine import fit_frame
    except ImportError:
        fit_frame = None
    if fit_frame is not None:
        res = fit_frame(Xtr, ytr, task, train_params={"time_budget_s": budget, "seed": seed, **OURS_PARAMS},
                        featurize_params=None)
        tried = int((res.leaderboard["status"] == "ok").sum()) if "status" in res.leaderboard else -1
        return res.model, Xte, f"{res.recommendation.get('candidate_id')} [{tried} tried]"
    return _fit_ours_round1(Xtr, ytr, Xte, task, budget, seed)


def _fit_ours_round1(Xtr, ytr, Xte, task, budget, seed):
    """main as of round 1: default featurize variants + ``train(...)`` with ``engine_config``."""
    import yaml
    from automl_kedro.data.types import NON_FEATURE_TYPES, infer_column_types
    from automl_kedro.features.featurize import cardinalities
    from automl_kedro.features.variants import build_preprocessor, expand_variants
    from automl_kedro.ml import train
    from automl_kedro.pipelines.train.nodes import engine_config

    conf = source_root() / "conf" / "base"
    featurize = yaml.safe_load((conf / "parameters_featurize.yml").read_text())["featurize"]
    train_conf = yaml.safe_load((conf / "parameters_train.yml").read_text())["train"]
    types, _ = infer_column_types(Xtr)
    features = [c for c in Xtr.columns if types[c] not in NON_FEATURE_TYPES]
    schema = {"target": TARGET, "problem_type": task, "feature_columns": features,
              "column_types": {c: types[c] for c in features}}
    cards = cardinalities(Xtr, schema)
    pre = {v["id"]: build_preprocessor(schema, v, cards, seed=int(featurize.get("seed", 42)))
           for v in expand_variants(featurize.get("variants"))}
    cfg = engine_config({**train_conf, "time_budget_s": budget, "seed": seed})
    result = train(Xtr[features], ytr, task, pre, cfg)
    return result.model, Xte[features], str(result.recommendation["candidate_id"])


FITTERS = {"hgb": fit_hgb, "flaml": fit_flaml, "ours": fit_ours}
OURS_PARAMS: dict = {}  # --ours-params: train: settings on top of the budget and seed (e.g. final_model)


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and its finished children: what the fit really got."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child(job: Path) -> None:
    """Child process: fit one tool on job/train.parquet, write test predictions to job/result.json."""
    warnings.filterwarnings("ignore")
    meta = json.loads((job / "meta.json").read_text())
    task, budget, seed = meta["task"], meta["budget"], meta["seed"]
    OURS_PARAMS.update(meta.get("ours_params") or {})
    if meta.get("synthetic_rows"):
        Xtr, ytr, Xte, yte = synthetic_split(meta["synthetic_rows"], seed)
    else:
        train = pd.read_parquet(job / "train.parquet")
        Xtr, ytr = train.drop(columns=[TARGET]), train[TARGET]
        Xte = pd.read_parquet(job / "test.parquet").drop(columns=[TARGET])
    cpu0 = cpu_seconds()
    start = time.perf_counter()
    model, Xte_in, what = FITTERS[meta["tool"]](Xtr, ytr, Xte, task, budget, seed)
    wall = time.perf_counter() - start
    out = {"wall": wall, "cpu_s": cpu_seconds() - cpu0, "model": what, "pred": np.asarray(model.predict(Xte_in)).tolist()}
    if task != "regression":
        out["proba"] = np.asarray(model.predict_proba(Xte_in), dtype=float).round(6).tolist()
        out["classes"] = [str(c) for c in model.classes_]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (job / "result.json").write_text(json.dumps(out))


# ----------------------------------------------------------------------------------------------
# parent: splits, child runs, cache, scores, noise, table
# ----------------------------------------------------------------------------------------------

def source_root() -> Path:
    import automl_kedro

    return Path(automl_kedro.__file__).resolve().parents[2]


def source_sha() -> str:
    """git sha (+ '-dirty') of the automl_kedro source that PYTHONPATH selects."""
    code = ("import automl_kedro, pathlib; print(pathlib.Path(automl_kedro.__file__).resolve().parents[2])")
    root = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
    git = ["git", "-C", root]
    sha = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(git + ["status", "--porcelain", "src"], capture_output=True, text=True).stdout.strip()
    branch = subprocess.run(git + ["rev-parse", "--abbrev-ref", "HEAD"], capture_output=True, text=True).stdout.strip()
    return f"{branch}@{sha}{'-dirty' if dirty else ''} ({root})"


def split(name: str, seed: int):
    from sklearn.model_selection import train_test_split

    from bench_datasets import BY_NAME

    spec = BY_NAME[name]
    X, y = spec.load()
    strat = y if spec.task != "regression" else None
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=seed, stratify=strat)
    return spec, Xtr.reset_index(drop=True), Xte.reset_index(drop=True), ytr.reset_index(drop=True), yte.reset_index(drop=True)


def synthetic_split(n_rows: int, seed: int):
    """The scale table (bench_scale.generate: 49 mixed columns, binary target), 90/10 split."""
    from bench_scale import generate

    frame = generate(n_rows, seed)
    y = frame.pop("target")
    cut = int(n_rows * 0.9)
    return frame.iloc[:cut], y.iloc[:cut], frame.iloc[cut:].reset_index(drop=True), y.iloc[cut:].reset_index(drop=True)


def run_child(tool: str, meta: dict, frames, timeout: float) -> dict:
    """Run one tool in a fresh process on the given split; the tool's raw output or an error."""
    job = Path(tempfile.mkdtemp(prefix=f"bench_{tool}_"))
    try:
        (job / "meta.json").write_text(json.dumps({**meta, "tool": tool}))
        if frames is not None:
            Xtr, Xte, ytr, yte = frames
            Xtr.assign(**{TARGET: ytr.values}).to_parquet(job / "train.parquet")
            Xte.assign(**{TARGET: yte.values}).to_parquet(job / "test.parquet")
        if tool == "autogluon":
            cmd = [AUTOGLUON_PYTHON, str(HERE / "peer_autogluon.py"), str(job)]
        else:
            cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(job)]
        start, load = time.perf_counter(), os.getloadavg()[0]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"killed after {timeout:.0f} s"}
        if proc.returncode != 0 or not (job / "result.json").exists():
            return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["failed"]}
        out = json.loads((job / "result.json").read_text())
        out["process_wall"] = time.perf_counter() - start
        out["load_avg_1min"] = max(load, os.getloadavg()[0])  # the machine's load around the run
        return out
    finally:
        shutil.rmtree(job, ignore_errors=True)


def _auc(positive: np.ndarray, score: np.ndarray) -> float:
    """Binary ROC AUC as the Mann-Whitney statistic (scikit-learn's value, ties as half; ~10x cheaper) for the
    bootstrap; written here rather than imported from the engine so the benchmark's scores stay its own."""
    from scipy.stats import rankdata

    n1 = int(positive.sum())
    n0 = positive.size - n1
    return float((rankdata(score)[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def scores(task: str, y_true: np.ndarray, out: dict, positive: str | None, idx=None, primary_only: bool = False):
    """(primary, secondary) on the test rows (or the bootstrap rows ``idx``; secondary NaN if ``primary_only``)."""
    from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score, roc_auc_score

    y = np.asarray(y_true)
    if task == "regression":
        p = np.asarray(out["pred"], dtype=float)
        if idx is not None:
            y, p = y[idx], p[idx]
        return float(r2_score(y, p)), (math.nan if primary_only else float(np.sqrt(mean_squared_error(y, p))))
    classes = list(out["classes"])
    proba = np.clip(np.asarray(out["proba"], dtype=float), 1e-15, 1)
    proba = proba / proba.sum(axis=1, keepdims=True)
    y = y.astype(str)
    pred = np.asarray(out["pred"]).astype(str)
    if idx is not None:
        y, proba, pred = y[idx], proba[idx], pred[idx]
    if task == "binary":
        pos = proba[:, classes.index(positive)]
        primary = _auc(y == positive, pos) if primary_only else float(roc_auc_score(y == positive, pos))
        return primary, (math.nan if primary_only else float(log_loss(y == positive, pos, labels=[False, True])))
    return float(accuracy_score(y, pred)), (math.nan if primary_only else float(log_loss(y, proba, labels=classes)))


def bootstrap(task, y_true, outs: dict, positive, seed=0) -> dict:
    """Bootstrap score samples per tool on the same resampled test rows (paired)."""
    rng = np.random.default_rng(seed)
    n = len(y_true)
    ys = np.asarray(y_true)
    samples = {t: [] for t in outs}
    for _ in range(N_BOOT):
        idx = rng.integers(0, n, n)
        if task != "regression" and len(np.unique(ys[idx].astype(str))) < 2:
            continue
        for t, o in outs.items():
            samples[t].append(scores(task, ys, o, positive, idx, primary_only=True)[0])
    return {t: np.asarray(v) for t, v in samples.items()}


def split_seeds(spec: str) -> list[int]:
    """``--splits``: "3" -> seeds 0, 1, 2; "1,2" -> seeds 1 and 2, "2," -> seed 2 alone (add splits to a cached
    run)."""
    return [int(s) for s in spec.split(",") if s.strip()] if "," in spec else list(range(int(spec)))


def cache_path(name, seed, budget, tool) -> Path:
    b = 0 if tool == "hgb" else budget  # the default HGB has no budget: one run serves every budget
    return CACHE / f"{name}__s{seed}__b{b:g}__{tool}.json"


def ours_path(label, name, seed, budget) -> Path:
    return CACHE / "ours" / label / f"{name}__s{seed}__b{budget:g}.json"


def timeout_for(budget: float) -> float:
    return 4 * budget + 300


def bench(args) -> list[dict]:
    from bench_datasets import BY_NAME

    tools = args.tools
    sha = source_sha() if "ours" in tools and not args.from_cache else ""
    label = args.label or sha.split(" ")[0].replace("/", "_").replace("@", "_")
    if sha:
        print(f"ours: {sha}", flush=True)
    rows = []
    for budget in args.budgets:
        for seed in split_seeds(args.splits):
            for name in args.sets:
                spec, Xtr, Xte, ytr, yte = split(name, seed)
                meta = {"task": spec.task, "budget": budget, "seed": seed, "set": name, "ours_params": args.ours_params}
                outs = {}
                for tool in tools:
                    path = ours_path(label, name, seed, budget) if tool == "ours" else cache_path(name, seed, budget, tool)
                    if path.exists() and (args.from_cache or (tool != "ours" and not args.rerun_peers)):
                        out = json.loads(path.read_text())
                    elif args.from_cache:
                        continue
                    else:
                        print(f"  running {tool} on {name} ({budget:g} s, split {seed}) ...", flush=True)
                        if tool == "ours":  # the source may get new commits during a long run
                            sha = source_sha()
                        out = run_child(tool, meta, (Xtr, Xte, ytr, yte), timeout_for(budget))
                        out["source"] = sha if tool == "ours" else ""
                        if "error" not in out:
                            path.parent.mkdir(parents=True, exist_ok=True)
                            path.write_text(json.dumps(out))
                    if "error" in out:
                        print(f"  {tool} on {name} failed: {out['error']}", flush=True)
                        continue
                    outs[tool] = out
                boots = bootstrap(spec.task, yte, outs, spec.positive, seed)
                peers = [t for t in outs if t != "ours"]
                pscores = {t: scores(spec.task, yte, outs[t], spec.positive)[0] for t in outs}
                best = max(peers, key=lambda t: pscores[t]) if peers else None
                for tool, out in outs.items():
                    primary, secondary = scores(spec.task, yte, out, spec.positive)
                    row = {"set": name, "held_out": spec.held_out, "task": spec.task, "rows": len(Xtr) + len(Xte),
                           "cols": Xtr.shape[1], "metric": METRIC[spec.task], "budget": budget, "seed": seed,
                           "tool": tool, "score": primary, SECONDARY[spec.task]: secondary,
                           "boot_sd": float(boots[tool].std()), "wall": out["wall"], "cpu_s": out.get("cpu_s"),
                           "load_avg_1min": out.get("load_avg_1min"),
                           "peak_rss_mb": out.get("peak_rss_mb"), "model": out.get("model"),
                           "source": out.get("source", ""), "best_peer": best}
                    if best is not None:
                        row["ratio_to_best_peer"] = primary / pscores[best] if pscores[best] else np.nan
                        row["diff_to_best_peer"] = primary - pscores[best]
                        row["diff_sd"] = float((boots[tool] - boots[best]).std())
                    for peer in peers:  # to each peer, for a table over several splits
                        row[f"diff_to_{peer}"] = primary - pscores[peer]
                        row[f"diff_sd_to_{peer}"] = float((boots[tool] - boots[peer]).std())
                    rows.append(row)
                summary = "  ".join(f"{t} {pscores[t]:.4f} ({outs[t]['wall']:.0f}s, cpu {outs[t].get('cpu_s') or 0:.0f}s)" for t in outs)
                print(f"[{name} {budget:g}s split {seed}] {summary}", flush=True)
                write(rows, args)
    return rows


def write(rows, args) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(RESULTS / f"bench_models_{args.stamp}.csv", index=False)
    (RESULTS / f"bench_models_{args.stamp}.md").write_text(to_markdown(rows) + "\n")


def to_markdown(rows) -> str:
    """One row per set and budget: mean test score per tool, ratio of ours to the best peer, noise."""
    df = pd.DataFrame(rows)
    if df.empty:
        return "(no results)"
    tools = [t for t in TOOLS if t in set(df["tool"])]
    names = {"ours": "ours", "hgb": "HGB default", "flaml": "FLAML", "autogluon": "AutoGluon"}
    head = ["set", "held out", "task", "rows", "metric", "budget", "splits"] + [names[t] for t in tools]
    if "ours" in tools and len(tools) > 1:
        head += ["ours / best peer", "ours - best peer (± paired sd)"]
        if "hgb" in tools:
            head += ["ours - HGB default (± paired sd)"]
    head += ["test noise sd"] + [f"{names[t]} wall" for t in tools if t != "hgb"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (name, budget), g in df.groupby(["set", "budget"], sort=False):
        r = g.iloc[0]
        mean = g.groupby("tool")["score"].mean()
        peers = [t for t in tools if t != "ours" and t in mean]
        best = max(peers, key=lambda t: mean[t]) if peers else None
        cells = [name, "yes" if r["held_out"] else "", r["task"], f"{r['rows']:,}", r["metric"], f"{budget:g} s",
                 str(g["seed"].nunique())]
        for t in tools:
            cells.append("—" if t not in mean else (f"**{mean[t]:.4f}**" if mean[t] == mean.max() else f"{mean[t]:.4f}"))
        if "ours" in tools and len(tools) > 1:
            ours = g[g["tool"] == "ours"]
            if len(ours) and best is not None:
                cells += [f"{mean['ours'] / mean[best]:.3f}", _mean_diff(ours, best)]
            else:
                cells += ["—", "—"]
            if "hgb" in tools:
                cells.append(_mean_diff(ours, "hgb") if len(ours) and "hgb" in mean else "—")
        noise = g[g["tool"] == best]["boot_sd"].mean() if best else g["boot_sd"].mean()
        cells.append(f"{noise:.4f}")
        for t in tools:
            if t != "hgb":
                w = g[g["tool"] == t]["wall"]
                cells.append(f"{w.max():.0f} s" if len(w) else "—")
        lines.append("| " + " | ".join(cells) + " |")
    sources = sorted({s for s in df.get("source", pd.Series(dtype=str)).dropna() if s})
    models = "; ".join(f"{n} {b:g}s: " + ", ".join(g[g["tool"] == "ours"]["model"].astype(str))
                       for (n, b), g in df.groupby(["set", "budget"], sort=False) if (g["tool"] == "ours").any())
    notes = ["", "Scores: mean over splits of the test score (bold: best; best peer: the peer with the best mean). "
             "'test noise sd': bootstrap sd of the best peer's score on the test rows; '± paired sd': bootstrap sd "
             "of ours - that peer on the same rows (over several splits: of the mean, sqrt(sum of the splits' "
             "variances) / splits)."]
    if sources:
        notes.append("ours source: " + ", ".join(sources))
    if models:
        notes.append("ours recommended: " + models)
    return "\n".join(lines + notes)


def _mean_diff(ours: pd.DataFrame, peer: str) -> str:
    """Mean over splits of ours - peer, ± the paired bootstrap sd of that mean (the splits are independent)."""
    diff, sd = f"diff_to_{peer}", f"diff_sd_to_{peer}"
    if diff not in ours or ours[diff].isna().all():
        return "—"
    d = ours[[diff, sd]].dropna()
    return f"{d[diff].mean():+.4f} ± {np.sqrt((d[sd] ** 2).sum()) / len(d):.4f}"


def scale(args) -> list[dict]:
    """Train-phase wall time vs 1.15 x budget + 5 s and peak RSS on the synthetic mixed-type table."""
    from automl_kedro.config.train import wall_limit  # the promise the table checks

    sizes = [int(float(s.lower().replace("k", "e3").replace("m", "e6"))) for s in args.scale.split(",")]
    sha = source_sha()
    print(f"ours: {sha}", flush=True)
    rows = []
    for n in sizes:
        for budget in args.budgets:
            for tool in [t for t in args.tools if t in ("ours", "hgb")]:
                print(f"  running {tool} on {n:,} rows ({budget:g} s) ...", flush=True)
                meta = {"task": "binary", "budget": budget, "seed": 0, "synthetic_rows": n, "ours_params": args.ours_params}
                out = run_child(tool, meta, None, timeout_for(budget) + n / 1000)
                if "error" in out:
                    print(f"  {tool} failed: {out['error']}", flush=True)
                    rows.append({"rows": n, "budget": budget, "tool": tool, "error": str(out["error"])})
                    continue
                _, _, _, yte = synthetic_split(n, 0)
                auc = scores("binary", yte, out, "yes")[0]
                limit = wall_limit(budget)
                rows.append({"rows": n, "cols": 49, "budget": budget, "tool": tool, "roc_auc": auc,
                             "train_wall": out["wall"], "cpu_s": out.get("cpu_s"), "limit": limit, "within_limit": out["wall"] <= limit,
                             "peak_rss_mb": out["peak_rss_mb"], "model": out["model"],
                             "source": sha if tool == "ours" else ""})
                print(f"[{n:,} rows {budget:g}s] {tool}: wall {out['wall']:.1f} s (limit {limit:.1f}), "
                      f"peak RSS {out['peak_rss_mb']:.0f} MiB, ROC AUC {auc:.4f}, {out['model']}", flush=True)
                RESULTS.mkdir(parents=True, exist_ok=True)
                pd.DataFrame(rows).to_csv(RESULTS / f"bench_scale_models_{args.stamp}.csv", index=False)
    print(scale_markdown(rows))
    return rows


def scale_markdown(rows) -> str:
    head = ["rows", "cols", "budget", "tool", "train wall", "limit 1.15×B+5", "within", "peak RSS", "cpu_s", "ROC AUC",
            "models tried", "recommended"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['rows']:,} | 49 | {r['budget']:g} s | {r['tool']} | failed: {r['error']} |" + " |" * 7)
            continue
        chosen, _, tried = str(r["model"]).partition(" [")  # ours: "candidate [k tried]"
        lines.append(f"| {r['rows']:,} | {r['cols']} | {r['budget']:g} s | {r['tool']} | {r['train_wall']:.1f} s | "
                     f"{r['limit']:.1f} s | {'yes' if r['within_limit'] else '**no**'} | {r['peak_rss_mb'] / 1024:.2f} GiB | "
                     f"{r.get('cpu_s') or 0:.0f} s | {r['roc_auc']:.4f} | {tried.replace(' tried]', '') or '-'} | {chosen} |")
    return "\n".join(lines)


def _names(value: str) -> list[str]:
    from bench_datasets import DEV, HELD_OUT, SPECS

    groups = {"all": [s.name for s in SPECS], "dev": DEV, "held_out": HELD_OUT}
    out = []
    for item in value.split(","):
        out += groups.get(item, [item])
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="all", help="comma list of set names, or all / dev / held_out")
    ap.add_argument("--budgets", default="30", help="comma list of seconds, e.g. 30,120")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma list of ours,hgb,flaml,autogluon")
    ap.add_argument("--splits", default="1", help="N: split seeds 0..N-1; or a comma list of seeds, e.g. 1,2")
    ap.add_argument("--rerun-peers", action="store_true", help="ignore cached peer results")
    ap.add_argument("--label", default="", help="name under which ours' results are cached (default: branch_sha)")
    ap.add_argument("--from-cache", action="store_true", help="run nothing: table from cached results (ours: --label)")
    ap.add_argument("--scale", default="", help="e.g. 300k,1m: synthetic wall-time/memory rows instead of sets")
    ap.add_argument("--ours-params", type=json.loads, default={},
                    help='JSON train: settings for ours, e.g. \'{"final_model": "refit"}\' (give a --label too)')
    ap.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    if args.child:
        child(Path(args.child))
        return 0
    args.budgets = [float(b) for b in args.budgets.split(",")]
    args.tools = [t for t in args.tools.split(",") if t]
    unknown = set(args.tools) - set(TOOLS)
    if unknown:
        raise SystemExit(f"unknown tools {sorted(unknown)}; choose from {TOOLS}")
    args.stamp = time.strftime("%Y%m%d-%H%M%S")
    if args.scale:
        scale(args)
        return 0
    from bench_datasets import BY_NAME

    args.sets = _names(args.sets)
    missing = [n for n in args.sets if n not in BY_NAME]
    if missing:
        raise SystemExit(f"unknown sets {missing}; choose from {sorted(BY_NAME)} or all / dev / held_out")
    rows = bench(args)
    print(to_markdown(rows))
    print(f"\nraw rows: {RESULTS / f'bench_models_{args.stamp}.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
