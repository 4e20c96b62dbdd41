"""A progress bar during train when the console is a terminal, drawn from the real search's
progress records; nothing at all when it is not a terminal (CI, pipes)."""
import io
import logging

import pandas as pd
from rich.console import Console
from sklearn.datasets import load_diabetes

from automl_kedro.ml import train
from automl_kedro.ml.presets import basic_preprocessors
from automl_kedro.progress_bar import BAR_LOGGER, TrainProgressBar, attach_if_terminal, detach


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Recorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.shares = []

    def emit(self, record):
        info = getattr(record, "train_progress", None)
        if info:
            self.shares.append(info["share"])


def test_no_bar_unless_the_console_is_a_terminal():
    assert attach_if_terminal(io.StringIO()) is None
    bar = attach_if_terminal(_Terminal())
    try:
        assert isinstance(bar, TrainProgressBar) and bar in logging.getLogger(BAR_LOGGER).handlers
    finally:
        detach(bar)
    assert bar not in logging.getLogger(BAR_LOGGER).handlers


def test_the_search_drives_the_bar_to_the_end_of_its_trials():
    data = load_diabetes(as_frame=True)
    X, y = data.data.head(200), pd.Series(data.target.head(200))
    screen = io.StringIO()
    bar = TrainProgressBar(console=Console(file=screen, force_terminal=True, width=160))
    recorder = _Recorder()
    ml_log = logging.getLogger(BAR_LOGGER)
    level = ml_log.level
    ml_log.setLevel(logging.INFO)
    ml_log.addHandler(bar)
    ml_log.addHandler(recorder)
    try:
        train(X, y, "regression", basic_preprocessors(),
              {"models": ["linear", "hist_gradient_boosting"], "n_trials": 2, "time_budget_s": None,
               "figures": False, "cv_folds": 3, "seed": 1})
        assert bar.shown
    finally:
        ml_log.removeHandler(bar)
        ml_log.removeHandler(recorder)
        ml_log.setLevel(level)
        bar.close()
    assert not bar.shown
    shares = [s for s in recorder.shares if s is not None]
    assert shares and all(0.0 <= s <= 1.0 for s in shares)
    assert shares == sorted(shares) and shares[-1] == 1.0  # trials done / trial cap, to the end
    drawn = screen.getvalue()
    assert "% of budget" in drawn and "trials done" in drawn
