"""Recommendation alternatives on a hand-made leaderboard."""
from __future__ import annotations

import pandas as pd
import pytest

from automl_kedro.ml.recommend import pareto_front, rank_leaderboard, recommend


def board():
    return pd.DataFrame([
        # id, score, std, predict s, size
        {"candidate_id": "p/big", "model": "big", "preprocess_id": "p", "status": "ok", "cv_r2_mean": 0.90,
         "cv_r2_std": 0.03, "predict_seconds": 1.0, "size_bytes": 1_000_000},
        {"candidate_id": "p/fast", "model": "fast", "preprocess_id": "p", "status": "ok", "cv_r2_mean": 0.88,
         "cv_r2_std": 0.02, "predict_seconds": 0.01, "size_bytes": 500_000},
        {"candidate_id": "p/tiny", "model": "tiny", "preprocess_id": "p", "status": "ok", "cv_r2_mean": 0.875,
         "cv_r2_std": 0.02, "predict_seconds": 0.05, "size_bytes": 1_000},
        {"candidate_id": "p/bad", "model": "bad", "preprocess_id": "p", "status": "ok", "cv_r2_mean": 0.50,
         "cv_r2_std": 0.01, "predict_seconds": 0.001, "size_bytes": 100},
        {"candidate_id": "p/worse", "model": "worse", "preprocess_id": "p", "status": "ok", "cv_r2_mean": 0.40,
         "cv_r2_std": 0.01, "predict_seconds": 0.5, "size_bytes": 5000},
        {"candidate_id": "p/broken", "model": "broken", "preprocess_id": "p", "status": "failed",
         "cv_r2_mean": None, "cv_r2_std": None, "predict_seconds": None, "size_bytes": None},
    ])


def test_best_and_alternatives_within_one_std():
    rec = recommend(board(), "r2", greater_is_better=True)
    assert rec["candidate_id"] == "p/big"
    alt = rec["alternatives"]
    assert alt["fastest_within_1std"]["candidate_id"] == "p/fast"  # 0.88 >= 0.90 - 0.03
    assert alt["smallest_within_1std"]["candidate_id"] == "p/tiny"  # 'bad' is smaller but not within 1 std
    assert {r["candidate_id"] for r in alt["pareto"]} == {"p/big", "p/fast", "p/tiny", "p/bad"}
    assert rec["n_failed"] == 1
    assert "p/fast" in rec["rationale"] and "faster" in rec["rationale"] and "smaller" in rec["rationale"]


def test_lower_is_better_metrics():
    df = board().rename(columns={"cv_r2_mean": "cv_mae_mean", "cv_r2_std": "cv_mae_std"})
    rec = recommend(df, "mae", greater_is_better=False)
    assert rec["candidate_id"] == "p/worse"  # lowest error
    ranked = rank_leaderboard(df, "mae", False)
    assert ranked["candidate_id"].iloc[-1] == "p/broken" and pd.isna(ranked["rank"].iloc[-1])


def test_pareto_drops_dominated_rows():
    front = pareto_front(board().iloc[:5], "r2", True)
    assert "p/worse" not in set(front["candidate_id"])


def test_no_successful_candidate():
    df = board()
    df["status"] = "failed"
    with pytest.raises(ValueError, match="No successful candidate"):
        recommend(df, "r2")
