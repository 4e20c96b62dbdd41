"""The preprocessor registries: one :class:`Registry` per variant option.

Each entry is a :class:`Preprocessor`: a factory returning an unfitted sklearn step (or ``None``
for "no step") and a plain-language description used in ``preprocess_pipeline.json``.
To add one: ``SCALERS.register("maxabs", Preprocessor(lambda **_: MaxAbsScaler(), "divide by the largest absolute value"))``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)

from automl_kedro.features.transformers import (
    MISSING,
    DatetimeParts,
    FrequencyEncoder,
    SmallSampleQuantileTransformer,
    TextLength,
)
from automl_kedro.registry import Registry


@dataclass(frozen=True)
class Preprocessor:
    factory: Callable[..., Any]
    description: str

    def build(self, **context: Any) -> Any:
        return self.factory(**context)


NUMERIC_IMPUTERS: Registry[Preprocessor] = Registry("numeric imputer")
CATEGORICAL_IMPUTERS: Registry[Preprocessor] = Registry("categorical imputer")
SCALERS: Registry[Preprocessor] = Registry("scaler")
ENCODERS: Registry[Preprocessor] = Registry("encoder")
DATETIME_ENCODERS: Registry[Preprocessor] = Registry("datetime encoder")
TEXT_ENCODERS: Registry[Preprocessor] = Registry("text encoder")

# variant option -> registry (high_cardinality_encoder shares the encoders)
REGISTRIES: dict[str, Registry[Preprocessor]] = {
    "numeric_imputer": NUMERIC_IMPUTERS,
    "categorical_imputer": CATEGORICAL_IMPUTERS,
    "scaler": SCALERS,
    "encoder": ENCODERS,
    "high_cardinality_encoder": ENCODERS,
    "datetime_encoder": DATETIME_ENCODERS,
    "text_encoder": TEXT_ENCODERS,
}


def _imputer(strategy: str, **kw: Any) -> Callable[..., SimpleImputer]:
    def make(add_indicator: bool = False, **_: Any) -> SimpleImputer:
        # keep_empty_features: a column empty in training still yields its output (filled with 0),
        # so the number of outputs never depends on which rows a fold happened to get.
        return SimpleImputer(strategy=strategy, add_indicator=add_indicator, keep_empty_features=True, **kw)
    return make


NUMERIC_IMPUTERS.register("median", Preprocessor(_imputer("median"), "fill missing numbers with the training median"))
NUMERIC_IMPUTERS.register("mean", Preprocessor(_imputer("mean"), "fill missing numbers with the training mean"), aliases=("average",))
NUMERIC_IMPUTERS.register(
    "most_frequent", Preprocessor(_imputer("most_frequent"), "fill missing numbers with the most frequent value"), aliases=("mode",)
)
NUMERIC_IMPUTERS.register(
    "constant", Preprocessor(_imputer("constant", fill_value=0), "fill missing numbers with 0"), aliases=("zero",)
)
NUMERIC_IMPUTERS.register(
    "none", Preprocessor(lambda **_: None, "leave missing numbers as they are (only for models that accept them)")
)

CATEGORICAL_IMPUTERS.register(
    "most_frequent", Preprocessor(_imputer("most_frequent"), "fill missing categories with the most frequent one"), aliases=("mode",)
)
CATEGORICAL_IMPUTERS.register(
    "constant",
    Preprocessor(_imputer("constant", fill_value=MISSING), f"treat a missing category as its own value '{MISSING}'"),
    aliases=("missing",),
)

SCALERS.register("standard", Preprocessor(lambda **_: StandardScaler(), "scale to mean 0 and standard deviation 1"), aliases=("zscore", "std"))
SCALERS.register("minmax", Preprocessor(lambda **_: MinMaxScaler(), "rescale to the range 0..1"))
SCALERS.register("robust", Preprocessor(lambda **_: RobustScaler(), "centre on the median and scale by the interquartile range (robust to extremes)"))
SCALERS.register(
    "quantile",
    Preprocessor(
        lambda seed=42, **_: SmallSampleQuantileTransformer(n_quantiles=1000, output_distribution="normal", subsample=100_000, random_state=seed),
        "map to a normal distribution through quantiles",
    ),
)
SCALERS.register("none", Preprocessor(lambda **_: None, "no scaling"), aliases=("passthrough",))

ENCODERS.register(
    "onehot",
    Preprocessor(
        lambda max_categories=None, **_: OneHotEncoder(
            handle_unknown="infrequent_if_exist" if max_categories else "ignore",
            max_categories=max_categories, sparse_output=False,
        ),
        "one 0/1 column per category (a category unseen in training gives all zeros)",
    ),
    aliases=("one_hot", "dummies"),
)
ENCODERS.register(
    "ordinal",
    Preprocessor(
        lambda **_: OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1),
        "one integer per category (unseen categories give -1)",
    ),
)
ENCODERS.register(
    "frequency",
    Preprocessor(lambda **_: FrequencyEncoder(), "replace each category by its share of training rows (unseen -> 0)"),
    aliases=("count",),
)

DATETIME_ENCODERS.register("parts", Preprocessor(lambda **_: DatetimeParts(), "split dates into year, month, day, day of week (and hour)"))
DATETIME_ENCODERS.register("drop", Preprocessor(lambda **_: None, "dates are not used"), aliases=("none",))

TEXT_ENCODERS.register("length", Preprocessor(lambda **_: TextLength(), "summarise free text by its number of characters and words"))
TEXT_ENCODERS.register("frequency", Preprocessor(lambda **_: FrequencyEncoder(), "replace each text by its share of training rows"))
TEXT_ENCODERS.register("drop", Preprocessor(lambda **_: None, "free text is not used"), aliases=("none",))
