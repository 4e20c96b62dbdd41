"""Parameters are validated before any work, with messages naming the key."""
import pytest

from automl_kedro.config import validate_params
from automl_kedro.errors import ParameterError
from automl_kedro.registry import Registry, UnknownEntryError, normalise_name


def test_defaults_fill_every_section():
    params = validate_params({}).model_dump()
    assert params["train"]["time_budget_s"] > 0 and "clearml" not in params
    assert params["predict"]["source_run"] == "latest"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ({"trian": {}}, "Unknown parameter 'trian'. Did you mean 'train'?"),
        ({"train": {"time_budget": 3}}, "Did you mean 'train.time_budget_s'?"),
        ({"train": {"time_budget_s": "soon"}}, "Parameter 'train.time_budget_s' is invalid"),
        ({"data": {"problem_type": "classification"}}, "Parameter 'data.problem_type' is invalid"),
        ({"upstream": {"trian": "latest"}}, "Did you mean 'upstream.train'?"),
    ],
)
def test_typos_and_wrong_types_name_the_key(raw, expected):
    with pytest.raises(ParameterError) as info:
        validate_params(raw)
    assert expected in str(info.value)


def test_every_problem_is_listed_at_once():
    with pytest.raises(ParameterError) as info:
        validate_params({"trian": {}, "data": {"problem_type": "x"}})
    assert str(info.value).count("  - ") == 2


def test_registry_matches_names_ignoring_case_and_separators():
    registry: Registry[int] = Registry("model")
    registry.register("random_forest", 1, aliases=["rf"])
    assert normalise_name("Random-Forest ") == "randomforest"
    assert registry.get("RandomForest") == registry.get("RF") == registry.get("random forest") == 1
    with pytest.raises(UnknownEntryError, match="Unknown model 'random_forst'. Did you mean 'random_forest'"):
        registry.get("random_forst")
    with pytest.raises(ValueError, match="already taken"):
        registry.register("rf", 2)


def test_typos_inside_lists_and_nested_sections_get_suggestions():
    with pytest.raises(ParameterError, match=r"'featurize.variants.0.scaller'. Did you mean 'featurize.variants.0.scaler'"):
        validate_params({"featurize": {"variants": [{"id": "a", "scaller": "standard"}]}})
    with pytest.raises(ParameterError, match=r"'data.edit.dorp'. Did you mean 'data.edit.drop'"):
        validate_params({"data": {"edit": {"dorp": ["x"]}}})


def test_a_typo_close_to_several_aliases_suggests_the_entry_once():
    registry: Registry[int] = Registry("model")
    registry.register("random_forest", 1, aliases=["random_forests", "randomforest_model"])
    with pytest.raises(UnknownEntryError) as info:
        registry.get("random_forrest")
    assert str(info.value).count("'random_forest'") == 1
