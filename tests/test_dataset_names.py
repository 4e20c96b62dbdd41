"""Dataset names Kedro does not warn about: a dotted name is reserved for a node's own namespace.

Kedro warns once per process ("One or more dataset names contain '.' characters") when a node reads
or writes ``a.b`` and ``a`` is not the node's top-level namespace. What one phase reads from another
therefore has an undotted name (``built_dataset``, ``trained_model``, ``run_info``, ...).
"""
import warnings

import pytest
from kedro.pipeline.node import _DOTTED_DATASET_NAME_WARNED, Node

from conftest import FAST
from automl_kedro.phases import PHASES

DOTTED_WARNING = "One or more dataset names contain '.'"


@pytest.fixture
def dotted_name_warning_is_an_error():
    """Kedro warns only once per process: forget that it did, and make the warning an error."""
    setattr(Node, _DOTTED_DATASET_NAME_WARNED, False)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=DOTTED_WARNING)
        yield
    warned = getattr(Node, _DOTTED_DATASET_NAME_WARNED, False)
    setattr(Node, _DOTTED_DATASET_NAME_WARNED, False)
    assert not warned, "Kedro warned about a dotted dataset name"


def test_the_warning_is_caught_when_a_node_reads_another_phases_dotted_name(dotted_name_warning_is_an_error):
    from kedro.pipeline import node, pipeline

    with pytest.raises(UserWarning, match=DOTTED_WARNING):
        pipeline([node(len, "build_dataset.dataset", "n_rows", name="count")], namespace="toy",
                 inputs={"build_dataset.dataset"})
    setattr(Node, _DOTTED_DATASET_NAME_WARNED, False)  # this test made it warn on purpose


def test_every_registered_pipeline_builds_without_the_warning(dotted_name_warning_is_an_error):
    from automl_kedro.pipeline_registry import register_pipelines

    pipelines = register_pipelines()
    assert set(PHASES) - {"train"} <= set(pipelines) and {"train", "train_only", "__default__"} <= set(pipelines)
    names = {name for p in pipelines.values() for name in p.datasets()}
    # what other phases read is exposed undotted; a phase's own entries stay <phase>.<name>
    assert {"built_dataset", "dataset_schema", "trained_model", "run_info", "recommendation@optional"} <= names
    assert not [n for n in names if "." in n and n.split(".")[0] not in PHASES and not n.startswith("params:")]


@pytest.mark.slow
def test_a_default_run_emits_no_dotted_name_warning(run, dotted_name_warning_is_an_error):
    ctx = run("__default__", {**FAST, "run.id": "undotted"})
    assert all(ctx.meta(p)["status"] == "complete" for p in PHASES if PHASES[p].golden)
