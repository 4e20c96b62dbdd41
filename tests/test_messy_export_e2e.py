"""A spreadsheet export as users hand it over, through the real train and predict pipelines: gzip-compressed,
local times across a clock change, money and percentages written as text with '?' for no value, an infinite
ratio, one category spelled two ways, a price target written "12,345.67"."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl_kedro import api
from conftest import FAST


def _export(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    amount = rng.lognormal(6, 0.6, n)
    plan = rng.choice(["Basic", "Pro"], n)
    price = 3.0 * amount + np.where(plan == "Pro", 2000.0, 0.0) + rng.normal(0, 50, n)
    when = pd.Series(pd.date_range("2024-03-25", periods=n, freq="37min", tz="Europe/Paris"))
    frame = pd.DataFrame({
        "when": when.map(lambda t: t.isoformat()),
        "amount": [f"${v:,.2f}" for v in amount],
        "share": [f"{v:.1f} %" for v in rng.uniform(0, 100, n)],
        "ratio": rng.normal(size=n).round(4).astype(str),
        "plan": [p if i % 7 else p.lower() + " " for i, p in enumerate(plan)],  # "basic " now and then
        "price": [f"{v:,.2f}" for v in price],
    })
    frame.loc[frame.index[::25], "share"] = "?"
    frame.loc[frame.index[3::60], "ratio"] = "inf"
    return frame, price


@pytest.mark.slow
def test_a_messy_spreadsheet_export_trains_audits_and_predicts(project, tmp_path):
    frame, price = _export(400, 0)
    path = tmp_path / "sales export.csv.gz"
    frame.to_csv(path, index=False, compression="gzip")
    run = api.train(str(path), "price", project=project, **FAST, tracking="disabled")

    schema = run.schema
    assert schema["problem_type"] == "regression"
    assert {c: schema["column_types"][c] for c in ("when", "amount", "share", "ratio", "plan")} == {
        "when": "datetime", "amount": "numeric", "share": "numeric", "ratio": "numeric", "plan": "categorical"}
    assert schema["number_text"]["share"] == {"decimal": ".", "missing": ["?"]}
    audit = (run.dirs["audit_dataset"] / "audit" / "audit_report.json").read_text()
    assert '"infinite_values"' in audit and '"spelling_variants"' in audit
    assert run.metrics["test"]["r2"] > 0.8, "the price follows the amount and the plan: numbers, not 400 classes"

    new, new_price = _export(30, 1)
    predictions = run.predict(new.drop(columns="price"))
    assert len(predictions) == 30 and np.isfinite(predictions["y_pred"].astype(float)).all()
    assert np.corrcoef(predictions["y_pred"].astype(float), new_price)[0, 1] > 0.9
