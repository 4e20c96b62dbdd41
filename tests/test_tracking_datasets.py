"""data.dataset_id: a ClearML Dataset as the source of build_dataset."""
import pytest
from kedro.io import DatasetError

from automl_kedro.errors import AutoMLInputError
from automl_kedro.tracking.datasets import table_file
from conftest import FAST


def test_the_one_table_file_of_a_downloaded_dataset(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "table.csv").write_text("a,b\n1,2\n")
    (tmp_path / "README.md").write_text("about")
    assert table_file(tmp_path, "ds1") == tmp_path / "sub" / "table.csv"
    (tmp_path / "other.parquet").write_bytes(b"")
    with pytest.raises(AutoMLInputError, match="exactly one CSV or Parquet file; found other.parquet, table.csv"):
        table_file(tmp_path, "ds1")


def test_a_dataset_id_outside_online_mode_says_what_to_do(project, run):
    with pytest.raises((AutoMLInputError, DatasetError), match="needs ClearML mode online"):
        run("build_dataset", {**FAST, "data.path": None, "data.dataset_id": "abc123"}, tracking="disabled")
    assert not (project / "runs").exists()
