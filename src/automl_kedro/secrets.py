"""Secret filter: credentials never reach ClearML hyperparameters, config.yaml, meta.json or logs.

Pure (no Kedro, no ClearML). A value is secret when the *key* that holds it names a credential
(``password``, ``api_key``, ``secret``, ``token``, ``access_key``, ``auth`` ...), or when a string
value itself looks like a URL carrying a password (``https://user:pw@host``). Secret values are
replaced by :data:`REDACTED`; everything else is returned unchanged in a new object.
"""
from __future__ import annotations

import re
from typing import Any

REDACTED = "***"

# Word-ish fragments that mark a key as holding a credential. Matched against the key split into
# lower-case words (``apiKey`` -> ``api key``, ``AWS_SECRET_ACCESS_KEY`` -> ``aws secret access key``).
_SECRET_WORDS = {
    "password", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens",
    "credential", "credentials", "creds", "auth", "authorization", "apikey", "privatekey",
    "cookie", "session", "sessionid", "signature", "jwt", "bearer", "dsn",
}
# ``key`` alone is a secret only together with a credential-ish neighbour or as the whole key;
# ``feature_key`` / ``dataset_key`` / ``sort_key`` are ordinary parameters.
_KEY_NEIGHBOURS = {"api", "access", "private", "secret", "client", "auth", "encryption", "signing",
                   "ssh", "master", "account", "storage", "service"}
_ACCESS_NEIGHBOURS = {"key", "token", "id", "secret"}

_URL_WITH_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^:/@\s]+):(?P<pw>[^@/\s]+)@")


def _words(key: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key)
    return [w for w in re.split(r"[^a-zA-Z0-9]+", spaced.lower()) if w]


def is_secret_key(key: Any) -> bool:
    """True when a mapping key names a credential (``api_key``, ``password``, ``aws_secret``...)."""
    if not isinstance(key, str):
        return False
    words = _words(key)
    if not words:
        return False
    joined = "".join(words)
    if any(w in _SECRET_WORDS for w in words) or joined in _SECRET_WORDS:
        return True
    for i, word in enumerate(words):
        neighbours = set(words[max(0, i - 1):i] + words[i + 1:i + 2])
        if word in ("key", "keys") and (len(words) == 1 or neighbours & _KEY_NEIGHBOURS):
            return True
        if word == "access" and (len(words) == 1 or neighbours & _ACCESS_NEIGHBOURS):
            return True
    return False


def redact_text(text: str) -> str:
    """Hide the password part of URLs such as ``https://user:pw@host`` inside a string."""
    return _URL_WITH_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{REDACTED}@", text)


def redact(obj: Any) -> Any:
    """A copy of ``obj`` with every secret value replaced by ``"***"``.

    Walks dicts, lists and tuples; keys are judged by :func:`is_secret_key`; strings are passed
    through :func:`redact_text`. Empty/None secrets stay as they are (nothing to hide), so a user
    can still see that a credential was *not* set.
    """
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if is_secret_key(key) and value not in (None, "", {}, []):
                out[key] = REDACTED if not isinstance(value, (dict, list, tuple)) else _redact_all(value)
            else:
                out[key] = redact(value)
        return out
    if isinstance(obj, list):
        return [redact(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(redact(v) for v in obj)
    if isinstance(obj, str):
        return redact_text(obj)
    return obj


def _redact_all(obj: Any) -> Any:
    """Everything under a secret key is secret, keeping the structure readable."""
    if isinstance(obj, dict):
        return {k: _redact_all(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_redact_all(v) for v in obj)
    return REDACTED if obj not in (None, "") else obj
