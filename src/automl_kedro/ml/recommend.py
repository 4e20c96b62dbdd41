"""The recommendation: the best candidate by the primary CV metric, plus cheaper alternatives.

Works on the leaderboard alone (columns ``candidate_id``, ``model``, ``preprocess_id``,
``status``, ``cv_<primary>_mean``, ``cv_<primary>_std``, ``predict_seconds``, ``size_bytes``),
so a hand-made table is enough to test it.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _row(r: pd.Series, primary: str) -> dict[str, Any]:
    return {
        "candidate_id": str(r["candidate_id"]),
        "model": str(r["model"]),
        "preprocess_id": str(r["preprocess_id"]),
        "score": float(r[f"cv_{primary}_mean"]),
        "std": float(r[f"cv_{primary}_std"]) if pd.notna(r[f"cv_{primary}_std"]) else 0.0,
        "predict_seconds": float(r["predict_seconds"]),
        "size_bytes": int(r["size_bytes"]),
    }


def rank_leaderboard(leaderboard: pd.DataFrame, primary: str, greater_is_better: bool) -> pd.DataFrame:
    """Successful candidates best first (ties: lower std, then faster prediction); failed ones last."""
    df = leaderboard.drop(columns=["rank"], errors="ignore").copy()
    ok = df["status"] == "ok"
    sign = 1.0 if greater_is_better else -1.0
    df["_key"] = np.where(ok, -sign * df[f"cv_{primary}_mean"].astype(float), np.inf)
    df = df.sort_values(["_key", f"cv_{primary}_std", "predict_seconds", "candidate_id"], na_position="last")
    df = df.drop(columns="_key").reset_index(drop=True)
    df.insert(0, "rank", np.where(df["status"] == "ok", np.arange(1, len(df) + 1), np.nan))
    return df


def pareto_front(df: pd.DataFrame, primary: str, greater_is_better: bool) -> pd.DataFrame:
    """Rows no other row beats on score, predict time and size at once."""
    sign = 1.0 if greater_is_better else -1.0
    score = sign * df[f"cv_{primary}_mean"].to_numpy(float)
    t = df["predict_seconds"].to_numpy(float)
    size = df["size_bytes"].to_numpy(float)
    keep = []
    for i in range(len(df)):
        dominated = np.any(
            (score >= score[i]) & (t <= t[i]) & (size <= size[i]) & ((score > score[i]) | (t < t[i]) | (size < size[i]))
        )
        keep.append(not dominated)
    return df[np.asarray(keep, dtype=bool)]


def recommend(leaderboard: pd.DataFrame, primary: str, greater_is_better: bool = True,
              chosen: str | None = None) -> dict[str, Any]:
    """Best by ``primary`` (or ``chosen``, picked by the engine's noise-margin rule); alternatives
    within one standard deviation of it; Pareto set; rationale."""
    ranked = rank_leaderboard(leaderboard, primary, greater_is_better)
    ok = ranked[ranked["status"] == "ok"]
    if ok.empty:
        raise ValueError("No successful candidate to recommend.")
    if chosen is not None and chosen not in set(ok["candidate_id"]):
        raise ValueError(f"The chosen candidate {chosen!r} is not a successful row of the leaderboard.")
    best = ok.iloc[0] if chosen is None else ok[ok["candidate_id"] == chosen].iloc[0]
    best_d = _row(best, primary)
    sign = 1.0 if greater_is_better else -1.0
    threshold = best_d["score"] - sign * best_d["std"]
    within = ok[sign * ok[f"cv_{primary}_mean"].astype(float) >= sign * threshold]
    fastest = within.sort_values(["predict_seconds", "candidate_id"]).iloc[0]
    smallest = within.sort_values(["size_bytes", "candidate_id"]).iloc[0]
    pareto = pareto_front(ok, primary, greater_is_better)
    fast_d, small_d = _row(fastest, primary), _row(smallest, primary)
    direction = "higher" if greater_is_better else "lower"
    top = chosen is None or chosen == str(ok.iloc[0]["candidate_id"])
    parts = [
        f"{best_d['candidate_id']} has the {'best ' if top else ''}mean cross-validated {primary} "
        f"({best_d['score']:.4g} ± {best_d['std']:.2g}; {direction} is better)"
        + (" of " if top else f" (best of {len(ok)}: {ok.iloc[0]['candidate_id']}, within the noise margin) among ")
        + f"{len(ok)} successful candidates"
        + (f" ({len(ranked) - len(ok)} failed)" if len(ranked) > len(ok) else "") + "."
    ]
    if fast_d["candidate_id"] != best_d["candidate_id"]:
        ratio = best_d["predict_seconds"] / max(fast_d["predict_seconds"], 1e-12)
        parts.append(
            f"Within one standard deviation of it, {fast_d['candidate_id']} predicts {ratio:.1f}x faster "
            f"({fast_d['score']:.4g}); prefer it when latency matters."
        )
    if small_d["candidate_id"] != best_d["candidate_id"]:
        ratio = best_d["size_bytes"] / max(small_d["size_bytes"], 1)
        parts.append(
            f"{small_d['candidate_id']} is {ratio:.1f}x smaller ({small_d['size_bytes']} bytes, {small_d['score']:.4g}) "
            "and also within one standard deviation; prefer it when memory or storage matters."
        )
    if fast_d["candidate_id"] == best_d["candidate_id"] and small_d["candidate_id"] == best_d["candidate_id"]:
        parts.append("No candidate within one standard deviation is faster or smaller, so there is no trade-off to make.")
    return {
        "primary_metric": primary,
        "greater_is_better": bool(greater_is_better),
        "recommended": best_d,
        "candidate_id": best_d["candidate_id"],
        "model_name": best_d["model"],
        "preprocess_id": best_d["preprocess_id"],
        "alternatives": {
            "fastest_within_1std": fast_d,
            "smallest_within_1std": small_d,
            "pareto": [_row(r, primary) for _, r in pareto.iterrows()],
        },
        "n_candidates": int(len(ranked)),
        "n_failed": int(len(ranked) - len(ok)),
        "rationale": " ".join(parts),
    }
