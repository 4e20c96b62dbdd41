"""Column typing: numeric, categorical, boolean, datetime, text, id or constant.

Rules (checked in this order, on the non-missing values; the reason is kept for the audit):

1. ``constant``: at most one distinct value (or every value missing).
2. ``boolean``: a bool column, a numeric column whose values are only 0 and 1, or a text column
   with two values such as yes/no, true/false, y/n.
3. ``datetime``: a datetime column, or text of which at least 95% of a sample parses as dates.
4. ``id``: the configured ``id_column``; or every value distinct and either the name looks like an
   id (``id``, ``*_id``, ``*ID``, ``key``, ``uuid``) or the values are text / consecutive integers.
5. ``numeric``: any other numeric column.
6. ``text``: free text — many distinct values that are long (mean > 30 characters) or hold spaces.
7. ``categorical``: everything else.

Any column can be forced with ``data.column_types: {column: type}``.
"""
from __future__ import annotations

import difflib
import re
import warnings
from typing import Any

import numpy as np
import pandas as pd

from automl_kedro.errors import AutoMLInputError

COLUMN_TYPES = ("numeric", "categorical", "boolean", "datetime", "text", "id", "constant")
# Types that never become model inputs.
NON_FEATURE_TYPES = ("id", "constant")
_BOOL_PAIRS = [
    {"true", "false"}, {"yes", "no"}, {"y", "n"}, {"t", "f"}, {"1", "0"}, {"on", "off"}, {"oui", "non"},
]
_ID_NAME = re.compile(r"(^|_|\b)(id|uuid|guid|key)$|[a-z]ID$|^ID$", re.IGNORECASE)
_SAMPLE = 2000


def parse_datetimes(values: pd.Series) -> pd.Series:
    """Dates and times on one tz-naive scale: text parsed leniently (unparseable values become NaT), time
    zones, one or mixed offsets (summer and winter time), converted to UTC. Date parts, tree inputs and
    comparisons need that one scale; pandas refuses to mix aware and naive values or two offsets."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                values = pd.to_datetime(values, errors="coerce", format="mixed")
            except (ValueError, TypeError):  # "Mixed timezones detected"
                values = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(None)
    return values


# cells that stand for "no value" in exported tables: spreadsheet and survey markers, and those pandas' CSV reader
# reads as missing (a table handed over as a DataFrame, Parquet or JSON keeps them as text: "n/a" is no value there too)
MISSING_MARKERS = ("?", "-", "--", ".", "missing", "unknown", "n.a.", "#div/0!", "#value!", "#ref!", "#num!",
                   "n/a", "na", "#n/a", "#na", "null", "nan", "-nan", "none", "<na>")
_CURRENCY = "$€£¥"
_GROUP_MARKS = {".": ",\u00a0\u202f'", ",": ".\u00a0\u202f'"}  # thousands separators next to each decimal mark


def parse_numbers(values: pd.Series, decimal: str = ".", missing=MISSING_MARKERS) -> pd.Series:
    """Numbers, also written as text the way spreadsheets export them: ``1,234.5``, ``$12``, ``45 %``, with
    ``decimal=","`` ``1.234,5``; ``missing`` markers (``?``, ``-``, ``#DIV/0!`` ...) and empty cells become NaN,
    as does anything else that is not a number (the caller decides whether that is an error)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    text = values.astype("string").str.strip()
    text = text.str.replace(r"\s*%$", "", regex=True).str.replace(rf"^([-+]?)\s*[{_CURRENCY}]\s*", r"\1", regex=True)
    groups, point = re.escape(_GROUP_MARKS[decimal]), re.escape(decimal)
    grouped = text.str.fullmatch(rf"[-+]?[1-9]\d{{0,2}}(?:[{groups}]\d{{3}})+(?:{point}\d+)?")  # not "0,125"
    plain = text.str.fullmatch(rf"[-+]?(?:\d+(?:{point}\d*)?|{point}\d+)(?:[eE][-+]?\d+)?")
    cleaned = text.where(grouped.fillna(False) | plain.fillna(False)).str.replace(rf"[{groups}]", "", regex=True)
    if decimal != ".":
        cleaned = cleaned.str.replace(decimal, ".", regex=False)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype(float)
    numbers = numbers.fillna(pd.to_numeric(text, errors="coerce").astype(float))  # what pandas reads: inf, 1E5
    return numbers.where(~blank_cells(values, missing))


def blank_cells(values: pd.Series, missing=MISSING_MARKERS) -> np.ndarray:
    """True where a cell holds no value: missing, empty, blank, or one of the ``missing`` markers."""
    text = values.astype("string").str.strip()
    blank = values.isna() | (text == "") | text.str.lower().isin([m.lower() for m in missing])
    return blank.fillna(True).to_numpy(dtype=bool)


def number_text_format(values: pd.Series) -> dict[str, Any] | None:
    """``{"decimal": "." or ",", "missing": [markers seen]}`` when a text column holds numbers (at least 90 % of
    its cells, every other one a missing marker), else None."""
    sample = values.dropna().head(_SAMPLE).astype(str).str.strip()
    sample = sample[sample != ""]
    if sample.empty or not _others_than_codes(sample):
        return None
    if sample.str.fullmatch(rf"[-+\d.,'%\s\u00a0\u202f{_CURRENCY}]+").mean() < 0.5:  # words and codes: at once
        return None
    markers = {m.lower() for m in MISSING_MARKERS}
    for decimal in (".", ","):
        numbers = parse_numbers(sample, decimal, missing=())
        others = set(sample[numbers.isna().to_numpy()])
        if numbers.notna().mean() >= 0.9 and all(o.lower() in markers for o in others):
            return {"decimal": decimal, "missing": sorted(others)}
    return None


def _others_than_codes(text: pd.Series) -> bool:
    """False when every cell is a whole number written without sign or separators (``"02134"``, ``"7"``): text
    chosen on purpose (codes, zip codes) that a CSV reader would have read as numbers."""
    return not bool(text.str.fullmatch(r"\d+").all())


def is_textlike(series: pd.Series) -> bool:
    """True for object / string columns (pandas 3 uses the ``str`` dtype)."""
    return not (
        pd.api.types.is_numeric_dtype(series)
        or pd.api.types.is_bool_dtype(series)
        or pd.api.types.is_datetime64_any_dtype(series)
    )


def _looks_like_dates(values: pd.Series) -> bool:
    sample = values.astype(str).head(_SAMPLE)
    if sample.str.fullmatch(r"[-+]?\d+(\.\d+)?").mean() > 0.5:  # plain numbers are not dates
        return False
    if not sample.str.contains(r"\d").all():
        return False
    return bool(parse_datetimes(sample).notna().mean() >= 0.95)


def infer_column_type(series: pd.Series, *, is_id_column: bool = False) -> tuple[str, str]:
    """(type, reason in plain words) of one column."""
    if is_id_column:
        return "id", "named in data.id_column"
    values = series.dropna()
    n = len(values)
    if n == 0:
        return "constant", "every value is missing"
    n_unique = int(values.nunique())
    if n_unique <= 1:
        return "constant", f"a single value ({values.iloc[0]!r})"
    if pd.api.types.is_bool_dtype(series):
        return "boolean", "true/false values"
    numeric = pd.api.types.is_numeric_dtype(series)
    if numeric and n_unique == 2 and set(np.unique(values.to_numpy())) <= {0, 1}:
        return "boolean", "numeric with only 0 and 1"
    textlike = is_textlike(series)
    if textlike and n_unique == 2:
        lowered = {str(v).strip().lower() for v in values.unique()}
        if lowered in _BOOL_PAIRS:
            return "boolean", f"two values ({', '.join(sorted(lowered))})"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime", "date/time values"
    if textlike and _looks_like_dates(values):
        return "datetime", "text that reads as dates"
    if textlike and (fmt := number_text_format(values)) is not None:
        markers = f"; {', '.join(repr(m) for m in fmt['missing'])} read as missing" if fmt["missing"] else ""
        markers_seen = {m.lower() for m in fmt["missing"]}
        example = next((v for v in values.astype(str) if v.strip().lower() not in markers_seen), "")
        return "numeric", f"numbers written as text (e.g. {example.strip()!r}){markers}"
    all_distinct = n_unique == n and n >= 20
    unique_ratio = n_unique / n
    name_is_id = bool(_ID_NAME.search(str(series.name)))
    if n >= 20 and unique_ratio >= 0.9 and name_is_id and not pd.api.types.is_float_dtype(series):
        return "id", f"the name looks like an identifier and {unique_ratio:.0%} of values are distinct"
    if numeric:
        if all_distinct and pd.api.types.is_integer_dtype(series):
            ordered = np.sort(values.to_numpy())
            if np.all(np.diff(ordered) == 1):
                return "id", "consecutive distinct integers (a row number)"
        return "numeric", "numbers"
    as_text = values.astype(str)
    sample = as_text.head(_SAMPLE)
    mean_len = float(sample.str.len().mean())
    has_spaces = float(sample.str.contains(" ", regex=False).mean())
    if unique_ratio > 0.5 and n >= 20 and (mean_len > 30 or has_spaces > 0.5):
        return "text", f"free text ({n_unique} distinct values, {mean_len:.0f} characters on average)"
    if n >= 20 and unique_ratio >= 0.99:
        return "id", "nearly every value distinct (short text codes)"
    return "categorical", f"{n_unique} distinct values"


def infer_column_types(
    table: pd.DataFrame,
    *,
    id_column: str | None = None,
    overrides: dict[str, str] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Types and reasons for every column; ``overrides`` (data.column_types) win."""
    overrides = dict(overrides or {})
    check_columns_exist(table, overrides, "data.column_types")
    for column, kind in overrides.items():
        if kind not in COLUMN_TYPES:
            close = difflib.get_close_matches(str(kind), COLUMN_TYPES, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise AutoMLInputError(
                f"data.column_types.{column}={kind!r} is not a column type.{hint} Types: {', '.join(COLUMN_TYPES)}."
            )
    types: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for column in table.columns:
        if column in overrides:
            types[column], reasons[column] = overrides[column], "set in data.column_types"
        else:
            types[column], reasons[column] = infer_column_type(table[column], is_id_column=(column == id_column))
    return types, reasons


def suggest_columns(name: str, columns) -> str:
    """' Did you mean ...?' for a column name (case-insensitive), or ''."""
    columns = [str(c) for c in columns]
    by_lower = {c.lower(): c for c in columns}
    if str(name).lower() in by_lower:
        return f" Did you mean {by_lower[str(name).lower()]!r}? (names are case-sensitive)"
    close = difflib.get_close_matches(str(name).lower(), list(by_lower), n=3, cutoff=0.5)
    if close:
        return " Did you mean " + " or ".join(repr(by_lower[c]) for c in close) + "?"
    return ""


def check_columns_exist(table: pd.DataFrame, columns, where: str) -> None:
    """Refuse names that are not columns, with suggestions."""
    for column in columns:
        if column not in table.columns:
            raise AutoMLInputError(
                f"{where} names column {column!r}, which is not in the data.{suggest_columns(column, table.columns)} "
                f"Columns: {', '.join(map(str, table.columns[:40]))}{' ...' if len(table.columns) > 40 else ''}."
            )


def coerce_types(table: pd.DataFrame, types: dict[str, Any], number_text: dict[str, Any] | None = None) -> pd.DataFrame:
    """Make values match their type where that is safe (datetime text -> tz-naive datetime, time zones to
    UTC; numbers written as text -> numbers, by ``number_text``'s format or the one their values show;
    booleans kept)."""
    out = table
    for column, kind in types.items():
        if column not in out.columns:
            continue
        series = out[column]
        if kind == "numeric" and is_textlike(series):
            fmt = (number_text or {}).get(column) or number_text_format(series) or {"decimal": "."}
            if out is table:
                out = table.copy()
            out[column] = parse_numbers(series, fmt["decimal"])
            continue
        if kind == "datetime" and not pd.api.types.is_numeric_dtype(series):  # numeric times (years) stay
            converted = parse_datetimes(series)
            if converted is series:
                continue
            if out is table:
                out = table.copy()
            out[column] = converted
    return out
