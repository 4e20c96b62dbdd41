"""The promotion test's statistics and gates on synthetic predictions."""
from __future__ import annotations

import numpy as np
import pytest

from automl_kedro.ml.metrics import get_metric
from automl_kedro.ml.promotion import Gates, Scored, check_gates, failed_gates_message, paired_bootstrap

RNG = np.random.default_rng(0)
Y = RNG.integers(0, 2, 400).astype(str).astype(object)


def labels(accuracy: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    wrong = rng.random(len(Y)) > accuracy
    return np.where(wrong, np.where(Y == "1", "0", "1"), Y).astype(object)


def scored(pred, ms=1.0, size=1000) -> Scored:
    return Scored(pred, None, ms / 1000.0, size)


def test_a_clearly_better_model_has_a_positive_interval_and_a_small_p_value():
    test = paired_bootstrap(get_metric("accuracy"), Y, scored(labels(0.9, 1)), scored(labels(0.7, 2)), n_bootstrap=300)
    assert test["improvement"] == pytest.approx(test["challenger_score"] - test["champion_score"])
    assert 0.1 < test["improvement"] < 0.3 and 0 < test["ci_low"] < test["improvement"] < test["ci_high"]
    assert test["p_value"] < 0.01 and test["n_bootstrap"] == 300 and test["n_rows"] == 400


def test_the_same_model_is_not_better_and_lower_is_better_metrics_flip_sign():
    same = labels(0.8, 3)
    test = paired_bootstrap(get_metric("accuracy"), Y, scored(same), scored(same), n_bootstrap=200)
    assert test["improvement"] == 0 and test["p_value"] == 1.0
    y = np.linspace(0, 10, 200)
    good, bad = scored(y + 0.1), scored(y + 1.0)
    mae = paired_bootstrap(get_metric("mae"), y, good, bad, n_bootstrap=200)
    assert mae["improvement"] == pytest.approx(0.9) and mae["p_value"] < 0.01 and not mae["greater_is_better"]


def test_each_gate_says_by_how_much_it_is_missed():
    test = {"metric": "accuracy", "improvement": 0.01, "p_value": 0.2, "n_rows": 100}
    gates = check_gates(test, scored(None, ms=30.0, size=3_000_000), scored(None),
                        Gates(min_improvement=0.05, max_p_value=0.05, max_predict_ms_per_1000_rows=10.0, max_size_mb=1.0))
    assert {k: g["passed"] for k, g in gates.items()} == dict.fromkeys(gates, False)
    assert gates["min_improvement"]["by"] == pytest.approx(0.04) and gates["max_p_value"]["by"] == pytest.approx(0.15)
    assert gates["max_predict_ms_per_1000_rows"]["value"] == pytest.approx(30.0)
    assert gates["max_size_mb"]["by"] == pytest.approx(2.0)
    message = failed_gates_message(gates)
    assert "min_improvement: 0.01 vs limit 0.05 (accuracy), missed by 0.04" in message
    assert "max_size_mb: 3 vs limit 1 (MB), missed by 2" in message
    assert failed_gates_message(check_gates(test, scored(None), scored(None), Gates(max_p_value=0.5))) == ""
