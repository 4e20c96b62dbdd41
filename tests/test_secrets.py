"""The secret filter: credentials never reach ClearML, config.yaml, meta.json or logs."""
from automl_kedro.secrets import REDACTED, is_secret_key, redact, redact_text


def test_secret_key_names_are_recognised():
    for key in ["password", "db_password", "api_key", "apiKey", "API_KEY", "secret", "secret_key",
                "AWS_SECRET_ACCESS_KEY", "access_key", "aws_access_key_id", "token", "access_token",
                "auth", "auth_header", "credentials", "key", "private_key", "clearml_api_secret_key",
                "refresh-token", "passwd"]:
        assert is_secret_key(key), key


def test_ordinary_parameter_names_are_kept():
    for key in ["dataset_key", "key_column", "target", "sort_key", "n_estimators", "author",
                "tokenizer", "keys_order_hint", "path", "mode", "project_root", "run_id", 3, None]:
        assert not is_secret_key(key), key


def test_redact_nested_structures_and_leaves_the_input_untouched():
    cfg = {
        "data": {"path": "data/01_raw/penguins.csv", "target": "species", "dataset_key": "penguins"},
        "clearml": {"mode": "online", "api": {"access_key": "AKIA123", "secret_key": "s3cr3t",
                                               "credentials": {"user": "u", "pass": "p"}}},
        "train": {"models": [{"name": "ridge", "params": {"alpha": 0.1}}], "token": "abc"},
        "storage": ("s3://bucket", {"password": "x"}),
    }
    out = redact(cfg)
    assert out["data"] == cfg["data"]
    assert out["clearml"]["mode"] == "online"
    assert out["clearml"]["api"]["access_key"] == REDACTED
    assert out["clearml"]["api"]["secret_key"] == REDACTED
    assert out["clearml"]["api"]["credentials"] == {"user": REDACTED, "pass": REDACTED}
    assert out["train"]["models"][0]["params"]["alpha"] == 0.1
    assert out["train"]["token"] == REDACTED
    assert out["storage"][1]["password"] == REDACTED
    # the original is not modified
    assert cfg["clearml"]["api"]["secret_key"] == "s3cr3t"
    assert "s3cr3t" not in repr(out) and "AKIA123" not in repr(out)


def test_unset_secrets_stay_visible_as_unset():
    assert redact({"api_key": None, "password": ""}) == {"api_key": None, "password": ""}


def test_passwords_inside_urls_are_hidden():
    assert redact_text("postgresql://bob:hunter2@db:5432/x") == f"postgresql://bob:{REDACTED}@db:5432/x"
    assert redact({"uri": "https://u:pw@files.example.com/a"})["uri"] == f"https://u:{REDACTED}@files.example.com/a"
    assert redact_text("https://files.example.com/a") == "https://files.example.com/a"
