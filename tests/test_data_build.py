"""build_dataset: reading, bad input, column types, problem type, edits, splits, hashing."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes

from automl_kedro.data import build_dataset, detect_problem_type, infer_column_types, make_split, read_table
from automl_kedro.data.io import resolve_source
from automl_kedro.errors import AutoMLInputError

ROOT = Path(__file__).resolve().parents[1]
PENGUINS = ROOT / "data" / "01_raw" / "penguins.csv"
MESSY = ROOT / "data" / "01_raw" / "messy_example.csv"


def _write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def _build(path, target="species", **data):
    return build_dataset({"path": str(path), "target": target, **data}, {"seed": 42})


# -- reading -------------------------------------------------------------------------------------

def test_penguins_builds_with_sample_id_split_and_schema():
    built = _build(PENGUINS)
    ds, schema = built.dataset, built.schema
    assert list(ds.columns[:2]) == ["sample_id", "split"]
    assert len(ds) == 344 and ds["sample_id"].is_unique
    assert ds["sample_id"].iloc[0] == "0" and isinstance(ds["sample_id"].iloc[0], str)
    assert set(ds["split"]) == {"train", "test"}
    assert schema["problem_type"] == "multiclass"
    assert schema["classes"] == ["Adelie", "Chinstrap", "Gentoo"]
    assert schema["column_types"]["island"] == "categorical"
    assert schema["column_types"]["bill_length_mm"] == "numeric"
    assert "species" not in schema["feature_columns"]
    for key in ("target", "problem_type", "problem_type_rule", "feature_columns", "column_types", "classes",
                "id_column", "personal_columns"):
        assert key in schema
    assert built.dataset_info["dataset_key"] == "penguins"
    assert len(built.dataset_info["dataset_hash"]) == 64
    index = built.dataset_index
    assert list(index.columns) == ["sample_id", "split"] and len(index) == 344
    assert sorted(built.split["train"] + built.split["test"], key=int) == [str(i) for i in range(344)]


def test_semicolon_latin1_file_is_read_with_notes():
    table, info = read_table(str(MESSY))
    assert info.delimiter == ";" and info.encoding in ("cp1252", "latin-1")
    assert "Besançon" in set(table["city"])
    assert any("semicolon" in n for n in info.notes) and any("Latin-1" in n for n in info.notes)


def test_compressed_csv_json_records_and_lines_read_as_the_same_table(tmp_path):
    import zipfile

    frame = pd.read_csv(PENGUINS).sample(60, random_state=0).reset_index(drop=True)
    expected = _build(PENGUINS).dataset.head(0)  # the columns of the plain CSV
    written = {}
    for name, write in {
        "p.csv.gz": lambda f: frame.to_csv(f, index=False),
        "p.csv.bz2": lambda f: frame.to_csv(f, index=False),
        "p.csv.xz": lambda f: frame.to_csv(f, index=False),
        "p.json": lambda f: frame.to_json(f, orient="records"),
        "p.jsonl": lambda f: frame.to_json(f, orient="records", lines=True),
        "p_columns.json": lambda f: frame.to_json(f),  # pandas' default layout: {"column": {"row": value}}
    }.items():
        write(tmp_path / name)
        written[name] = tmp_path / name
    with zipfile.ZipFile(tmp_path / "p.zip", "w") as archive:
        frame.to_parquet(tmp_path / "inner.parquet", index=False)
        archive.write(tmp_path / "inner.parquet", "p.parquet")
    written["p.zip"] = tmp_path / "p.zip"
    for name, path in written.items():
        built = _build(path)
        assert list(built.dataset.columns) == list(expected.columns), name
        got = built.dataset.drop(columns=["sample_id", "split"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, frame[got.columns], check_dtype=False, obj=name)
        assert built.dataset_info["dataset_key"] in ("p", "p_columns"), name
    assert any("gz-compressed" in n for n in _build(written["p.csv.gz"]).schema["notes"])


@pytest.mark.parametrize("name, content, message", [
    ("book.xlsx", b"PK\x03\x04 not really", "is an Excel workbook; data.path reads CSV, JSON or Parquet"),
    ("t.feather", b"ARROW1", "is a Feather file"),
    ("bad.csv.gz", b"not gzip at all", "cannot be decompressed"),
    ("rows.json", b'{"a": 1}', "holds no table"),
    ("rows.json", b"[{'a': 1}]", "is not valid JSON"),
])
def test_other_formats_and_broken_archives_get_one_message(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(AutoMLInputError, match=message):
        _build(tmp_path / name, target="a")


def test_a_zip_of_several_files_names_them(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "two.zip", "w") as archive:
        archive.writestr("a.csv", "x,y\n1,2\n")
        archive.writestr("b.csv", "x,y\n3,4\n")
    with pytest.raises(AutoMLInputError, match=r"zip archive of 2 files \(a.csv, b.csv\)"):
        _build(tmp_path / "two.zip", target="y")


def test_delimiter_and_encoding_can_be_forced(tmp_path):
    path = _write(tmp_path, "a|b|y\n1|x|0\n2|z|1\n3|x|0\n", encoding="latin-1")
    table, info = read_table(path, delimiter="|", encoding="latin-1")
    assert list(table.columns) == ["a", "b", "y"] and info.delimiter == "|"


def test_parquet_is_read(tmp_path):
    frame = pd.read_csv(PENGUINS)
    path = tmp_path / "penguins.parquet"
    frame.to_parquet(path)
    built = _build(path)
    assert built.dataset_info["format"] == "parquet" and len(built.dataset) == 344


def test_id_column_gives_sample_ids(tmp_path):
    frame = pd.read_csv(PENGUINS)
    frame.insert(0, "penguin_id", [f"P{i:04d}" for i in range(len(frame))])
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    built = _build(path, id_column="penguin_id")
    assert built.dataset["sample_id"].iloc[0] == "P0000"
    assert "penguin_id" not in built.schema["feature_columns"]
    assert built.schema["id_column"] == "penguin_id"


# -- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        ("a,b,species\n", "header"),
        ("a,a,species\n1,2,x\n3,4,y\n", "duplicate column names"),
        ("a,b,species\n1,2,x\n3,4,5,y\n5,6,z\n", "line 3: expected 3 fields"),
        ("a,b,species\n1,2,x\n3,y\n5,6,z\n", "line 3: expected 3 fields"),
    ],
)
def test_bad_files_give_one_clear_message(tmp_path, content, message):
    path = _write(tmp_path, content)
    with pytest.raises(AutoMLInputError, match=message):
        _build(path)


def test_file_not_found_suggests_close_names(tmp_path):
    _write(tmp_path, "a,species\n1,x\n", name="penguins.csv")
    with pytest.raises(AutoMLInputError, match=r"not found.*Did you mean .*penguins\.csv"):
        _build(tmp_path / "penguin.csv")


def test_unreadable_encoding(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(AutoMLInputError, match="(unreadable encoding|not look like a text file)"):
        _build(path)
    path.write_bytes("a,species\n1,é\n".encode("latin-1"))
    with pytest.raises(AutoMLInputError, match="cannot be read with encoding 'utf-8'"):
        _build(path, encoding="utf-8")


def test_target_missing_suggests_close_columns():
    with pytest.raises(AutoMLInputError, match=r"'Species' is not in .*Did you mean 'species'"):
        _build(PENGUINS, target="Species")
    with pytest.raises(AutoMLInputError, match=r"Did you mean 'flipper_length_mm'"):
        _build(PENGUINS, target="flipper_length")


def test_target_all_empty_and_single_class(tmp_path):
    with pytest.raises(AutoMLInputError, match="empty in every row"):
        _build(_write(tmp_path, "a,species\n1,\n2,\n3,\n"))
    with pytest.raises(AutoMLInputError, match="single value"):
        _build(_write(tmp_path, "a,species\n1,x\n2,x\n3,x\n", name="one.csv"))


def test_clearml_dataset_needs_online_mode():
    with pytest.raises(AutoMLInputError, match="ClearML mode online"):
        resolve_source(None, "abc123", fetch=None)
    assert resolve_source(None, "abc123", fetch=lambda dataset_id: PENGUINS) == str(PENGUINS)


def test_missing_target_rows_are_dropped_with_a_note(tmp_path):
    rows = "\n".join(f"{(i * 7) % 11},{'a' if i % 2 else 'b'}" for i in range(30))
    path = _write(tmp_path, "x,species\n" + rows + "\n99,\n")
    built = _build(path)
    assert len(built.dataset) == 30 and built.dataset_info["n_rows_missing_target"] == 1
    assert any("without a target" in n for n in built.schema["notes"])


# -- column types --------------------------------------------------------------------------------

def test_type_inference_rules():
    n = 60
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "num": rng.normal(size=n),
        "flag01": rng.integers(0, 2, n),
        "yesno": rng.choice(["yes", "no"], n),
        "when": pd.date_range("2020-01-01", periods=n).strftime("%Y-%m-%d"),
        "cat": rng.choice(["a", "b", "c"], n),
        "row": np.arange(n),
        "user_id": [f"u{i}" for i in range(n)],
        "code": [f"K{i:03d}" for i in range(n)],
        "const": ["same"] * n,
        "empty": [np.nan] * n,
        "note": [f"this is a fairly long free text comment number {i}" for i in range(n)],
    })
    types, reasons = infer_column_types(frame)
    assert types == {
        "num": "numeric", "flag01": "boolean", "yesno": "boolean", "when": "datetime", "cat": "categorical",
        "row": "id", "user_id": "id", "code": "id", "const": "constant", "empty": "constant", "note": "text",
    }
    assert reasons["flag01"] == "numeric with only 0 and 1"
    forced, _ = infer_column_types(frame, overrides={"row": "numeric"})
    assert forced["row"] == "numeric"
    with pytest.raises(AutoMLInputError, match="Did you mean 'categorical'"):
        infer_column_types(frame, overrides={"cat": "categoric"})
    with pytest.raises(AutoMLInputError, match="Did you mean 'num'"):
        infer_column_types(frame, overrides={"numm": "numeric"})


def test_numbers_written_as_text_parse_as_spreadsheets_export_them():
    from automl_kedro.data.types import parse_numbers

    text = pd.Series(["1,234.50", "$12", "-$3.5", " 45 % ", "?", "#DIV/0!", "", None, "1,2,3", "abc", "7e3", ".5",
                      "inf", "-inf"])
    got = parse_numbers(text).tolist()
    assert got[:4] == [1234.5, 12.0, -3.5, 45.0] and got[10:] == [7000.0, 0.5, np.inf, -np.inf]
    assert all(np.isnan(v) for v in got[4:10])  # markers, blanks, a bad grouping, a word
    assert parse_numbers(pd.Series(["1.234,5", "0,5", "12"]), decimal=",").tolist() == [1234.5, 0.5, 12.0]
    from automl_kedro.data.types import infer_column_type

    codes = pd.Series(["02134", "10001", "94105"] * 10, name="zip")  # text chosen on purpose: codes stay codes
    assert infer_column_type(codes)[0] == "categorical"
    assert infer_column_type(pd.Series([f"{40 + i / 10}" for i in range(29)] + ["?"], name="bill"))[0] == "numeric"


def test_a_table_of_numbers_written_as_text_learns_from_numbers(tmp_path):
    """Thousands separators, currency, percent and '?' for missing (an export from a spreadsheet): the target is
    a regression target, not 300 classes; the features are numbers; a code column with letters stays categorical."""
    rng = np.random.default_rng(0)
    n = 300
    price = rng.lognormal(8, 1, n)
    frame = pd.DataFrame({
        "amount": [f"${v:,.2f}" for v in rng.lognormal(3, 1, n)],
        "rate": [f"{v:.1f}%" for v in rng.uniform(0, 100, n)],
        "floor": rng.choice(["1", "2", "3", "G"], n),
        "price": [f"{v:,.2f}" for v in price],
    })
    frame.loc[[4, 9], "rate"] = "?"
    frame.loc[7, "price"] = "?"
    frame.to_csv(tmp_path / "export.csv", index=False)
    built = _build(tmp_path / "export.csv", target="price")
    ds, schema = built.dataset, built.schema
    assert schema["problem_type"] == "regression" and len(ds) == n - 1
    assert any("1 row(s) without a target value" in note for note in schema["notes"])
    assert schema["column_types"] == {"amount": "numeric", "rate": "numeric", "floor": "categorical"}
    assert "numbers written as text" in schema["column_type_reasons"]["rate"]
    assert "'?' read as missing" in schema["column_type_reasons"]["rate"]
    assert schema["number_text"]["rate"] == {"decimal": ".", "missing": ["?"]}
    expected = np.delete(price.round(2), 7)
    assert np.allclose(ds["price"].to_numpy(dtype=float), expected)
    assert ds["rate"].isna().sum() == 2 and ds["rate"].max() <= 100
    # a semicolon file with decimal commas (a European export)
    euro = pd.DataFrame({"x": [f"{v:.3f}".replace(".", ",") for v in rng.normal(size=n)],
                         "y": [f"{v:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") for v in price]})
    euro.to_csv(tmp_path / "euro.csv", sep=";", index=False)
    built = _build(tmp_path / "euro.csv", target="y")
    assert built.schema["problem_type"] == "regression" and built.schema["number_text"]["x"]["decimal"] == ","
    assert np.allclose(built.dataset["y"].to_numpy(dtype=float), price.round(2))


def test_constant_and_id_columns_are_not_features(tmp_path):
    frame = pd.read_csv(PENGUINS).assign(station="Palmer", row_id=range(344))
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    built = _build(path)
    assert "station" not in built.schema["feature_columns"] and "row_id" not in built.schema["feature_columns"]
    assert built.schema["excluded_columns"]["station"].startswith("constant")


# -- problem type --------------------------------------------------------------------------------

def test_problem_type_rule():
    assert detect_problem_type(pd.Series(["a", "b", "c"], name="y"))[0] == "multiclass"
    assert detect_problem_type(pd.Series([0, 1, 1, 0], name="y"))[0] == "binary"
    assert detect_problem_type(pd.Series(list(range(5)) * 3, name="y"))[0] == "multiclass"
    assert detect_problem_type(pd.Series(list(range(25)), name="y"))[0] == "regression"
    weights = pd.Series([3200, 3775, 4000, 4250, 6000, 5950, 3300, 3500, 4100, 4700, 5200, 3650], name="body_mass_g")
    assert detect_problem_type(weights)[0] == "regression"  # 12 whole numbers in 12 rows: not 12 classes
    assert detect_problem_type(pd.Series([0, 1, 1], name="y"))[0] == "binary"
    assert detect_problem_type(pd.Series([0.5, 1.5, 2.0], name="y"))[0] == "regression"
    problem, rule = detect_problem_type(pd.Series(load_diabetes().target, name="y"))
    assert problem == "regression" and "at most 20 distinct values" in rule
    assert detect_problem_type(pd.Series([1, 2, 3, 1], name="y"), "regression")[0] == "regression"
    with pytest.raises(AutoMLInputError, match="not numeric"):
        detect_problem_type(pd.Series(["a", "b"], name="y"), "regression")
    with pytest.raises(AutoMLInputError, match="has 3 distinct values"):
        detect_problem_type(pd.Series(["a", "b", "c"], name="y"), "binary")


# -- edits ---------------------------------------------------------------------------------------

def test_edit_steps_run_in_order_and_are_logged():
    built = _build(
        PENGUINS,
        edit={
            "drop": ["year"],
            "rename": {"body_mass_g": "mass"},
            "replace": {"island": {"Dream": "dream"}},
            "query": "island != 'Torgersen'",
            "clip": {"mass": [3000, 5000]},
            "fillna": {"sex": "unknown", "mass": "median"},
        },
    )
    ds = built.dataset
    assert "year" not in ds.columns and "mass" in ds.columns
    assert set(ds["island"]) == {"dream", "Biscoe"}
    assert ds["mass"].between(3000, 5000).all() and ds["mass"].notna().all()
    assert "unknown" in set(ds["sex"])
    steps = [step["step"] for step in built.dataset_info["edits"]]
    assert list(dict.fromkeys(steps)) == ["drop", "rename", "replace", "query", "clip", "fillna"]
    assert built.dataset_info["edits"][2]["detail"] == "replaced 124 value(s)"  # the Dream penguins
    # sample ids keep the original row numbers after filtering
    assert "0" not in set(ds["sample_id"]) and set(ds["sample_id"]) <= {str(i) for i in range(344)}


def test_edit_errors_name_the_problem():
    with pytest.raises(AutoMLInputError, match="data.edit.drop names column 'yeer'.*Did you mean 'year'"):
        _build(PENGUINS, edit={"drop": ["yeer"]})
    with pytest.raises(AutoMLInputError, match="data.edit.query"):
        _build(PENGUINS, edit={"query": "island ==="})


# -- splits --------------------------------------------------------------------------------------

def test_stratified_split_keeps_class_shares():
    built = _build(PENGUINS)
    ds = built.dataset
    assert built.split["method"] == "stratified"
    overall = ds["species"].value_counts(normalize=True)
    test = ds[ds["split"] == "test"]["species"].value_counts(normalize=True)
    assert (overall - test).abs().max() < 0.02
    assert len(ds[ds["split"] == "test"]) == round(344 * 0.2)


def test_a_class_too_rare_to_stratify_is_dealt_at_random_and_the_others_keep_their_shares(tmp_path):
    frame = pd.read_csv(PENGUINS)
    frame = pd.concat([frame, frame.iloc[:1].assign(species="Single")], ignore_index=True)
    path = tmp_path / "with_a_single.csv"
    frame.to_csv(path, index=False)
    built = _build(path)
    ds = built.dataset
    assert built.split["method"] == "stratified"  # it was random for every class before
    assert any("Too few rows to stratify: 'Single' (1)" in n for n in built.schema["notes"])
    common = ds[ds["species"] != "Single"]
    overall = common["species"].value_counts(normalize=True)
    test = common[common["split"] == "test"]["species"].value_counts(normalize=True)
    assert (overall - test).abs().max() < 0.02


def test_val_split_and_seed():
    a = build_dataset({"path": str(PENGUINS), "target": "species"}, {"val_size": 0.1, "seed": 1})
    b = build_dataset({"path": str(PENGUINS), "target": "species"}, {"val_size": 0.1, "seed": 1})
    c = build_dataset({"path": str(PENGUINS), "target": "species"}, {"val_size": 0.1, "seed": 2})
    assert a.dataset["split"].value_counts().to_dict() == {"train": 241, "test": 69, "val": 34}
    assert a.split["val"] == b.split["val"] and a.split["test"] != c.split["test"]


def test_group_split_keeps_groups_together():
    frame = pd.read_csv(PENGUINS)
    frame["nest"] = (np.arange(len(frame)) * 7919 % 53).astype(str)  # 53 groups of 6-7 rows
    labels, settings = make_split(frame, target="species", problem_type="multiclass", method="auto",
                                  test_size=0.3, val_size=0.2, group_column="nest", seed=3)
    by_group = pd.DataFrame({"g": frame["nest"], "s": labels}).groupby("g")["s"].nunique()
    assert (by_group == 1).all() and settings["method"] == "group"  # no group straddles two splits
    assert set(labels) == {"train", "val", "test"}
    assert abs((labels == "test").mean() - 0.3) < 0.05
    frame["half"] = np.arange(len(frame)) % 2
    with pytest.raises(AutoMLInputError, match="only 2 group"):
        make_split(frame, target="species", problem_type="multiclass", method="group", group_column="half")


def test_time_split_orders_rows():
    frame = pd.read_csv(PENGUINS)
    frame["when"] = pd.date_range("2020-01-01", periods=len(frame), freq="D").strftime("%Y-%m-%d")
    frame = frame.sample(frac=1, random_state=0).reset_index(drop=True)
    labels, settings = make_split(frame, target="species", problem_type="multiclass", method="auto",
                                  test_size=0.2, val_size=0.1, time_column="when")
    times = pd.to_datetime(frame["when"])
    assert settings["method"] == "time"
    assert times[labels == "train"].max() < times[labels == "val"].min()
    assert times[labels == "val"].max() < times[labels == "test"].min()


def test_local_timestamps_across_a_clock_change_read_as_one_utc_scale(tmp_path):
    """Europe/Paris times written with their offsets (+01:00 in March, +02:00 after the change): pandas refuses to
    parse two offsets at once; they become one tz-naive UTC column that a time split orders."""
    n = 40
    local = pd.Series(pd.date_range("2024-03-30", periods=n, freq="3h", tz="Europe/Paris"))
    frame = pd.DataFrame({"stamp": local.map(lambda t: t.isoformat()), "x": np.arange(n) % 7, "y": np.arange(n) * 0.5})
    assert {s[-6:] for s in frame["stamp"]} == {"+01:00", "+02:00"}
    path = tmp_path / "stamped.csv"
    frame.sample(frac=1, random_state=0).to_csv(path, index=False)
    built = build_dataset({"path": str(path), "target": "y"}, {"method": "time", "time_column": "stamp"})
    ds = built.dataset
    assert built.schema["column_types"]["stamp"] == "datetime"
    assert ds["stamp"].dtype.kind == "M" and getattr(ds["stamp"].dt, "tz", None) is None
    expected = dict(zip(frame["y"], local.dt.tz_convert("UTC").dt.tz_localize(None)))
    assert all(ds["stamp"].iloc[i] == expected[ds["y"].iloc[i]] for i in range(len(ds)))
    assert ds.loc[ds["split"] == "train", "stamp"].max() < ds.loc[ds["split"] == "test", "stamp"].min()


def test_split_errors():
    frame = pd.read_csv(PENGUINS)
    with pytest.raises(AutoMLInputError, match="group_column"):
        make_split(frame, target="species", problem_type="multiclass", method="group")
    with pytest.raises(AutoMLInputError, match="leaves no rows"):
        make_split(frame, target="species", problem_type="multiclass", test_size=0.6, val_size=0.4)
    with pytest.raises(AutoMLInputError, match="missing or unreadable"):
        make_split(frame, target="species", problem_type="multiclass", method="time", time_column="sex")


# -- hashing -------------------------------------------------------------------------------------

def test_dataset_hash_is_stable_and_tracks_content_and_settings(tmp_path):
    copy = tmp_path / "penguins.csv"
    shutil.copy(PENGUINS, copy)
    h1 = _build(PENGUINS).dataset_info["dataset_hash"]
    assert _build(copy).dataset_info["dataset_hash"] == h1  # same bytes elsewhere -> same hash
    assert _build(PENGUINS).dataset_info["dataset_hash"] == h1
    assert build_dataset({"path": str(PENGUINS), "target": "species"}, {"seed": 42, "method": "auto", "test_size": 0.2,
                                                                         "val_size": 0.0}).dataset_info["dataset_hash"] == h1
    changed = tmp_path / "changed.csv"
    changed.write_text(PENGUINS.read_text().replace("39.1", "39.2", 1))
    assert _build(changed).dataset_info["dataset_hash"] != h1
    assert build_dataset({"path": str(PENGUINS), "target": "species"}, {"seed": 7}).dataset_info["dataset_hash"] != h1
    assert _build(PENGUINS, edit={"drop": ["year"]}).dataset_info["dataset_hash"] != h1


def test_parameter_typos_in_data_sections_are_refused():
    from automl_kedro.config import validate_params
    from automl_kedro.errors import ParameterError

    with pytest.raises(ParameterError, match=r"Unknown parameter 'data.edit.dorp'. Did you mean 'data.edit.drop'"):
        validate_params({"data": {"edit": {"dorp": ["x"]}}})
    with pytest.raises(ParameterError, match=r"Unknown parameter 'split.test_sise'. Did you mean 'split.test_size'"):
        validate_params({"split": {"test_sise": 0.3}})
    with pytest.raises(ParameterError, match=r"featurize.variants.0.scaller"):
        validate_params({"featurize": {"variants": [{"id": "a", "scaller": "standard"}]}})
    with pytest.raises(ParameterError, match=r"data.column_types.x"):
        validate_params({"data": {"column_types": {"x": "numeric-ish"}}})
    params = validate_params({"featurize": {"variants": [{"id": "a", "scaler": ["standard", "robust"]}]}})
    dumped = params.model_dump(mode="json")
    assert dumped["featurize"]["variants"][0]["scaler"] == ["standard", "robust"]
