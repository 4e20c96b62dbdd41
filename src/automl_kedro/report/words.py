"""Plain words for the report: labels for our keys, and jargon explained in one clause."""
from __future__ import annotations

import re

ALTERNATIVE_LABELS = {
    "fastest_within_1std": "Fastest model that scores within one standard deviation (the usual fold-to-fold "
                           "spread) of the recommended one",
    "smallest_within_1std": "Smallest model that scores within one standard deviation of the recommended one",
    "pareto": "Models that no other model beats on score, speed and size at once (the Pareto set)",
}

# term -> explanation added after its first use (whole words, case-insensitive).
GLOSSARY = {
    "incumbent": "the simpler model kept unless another one is clearly better",
    "challenger": "a model that must clearly beat the kept one to replace it",
    "margin": "how much better a model must be, in standard errors, to count as better",
    "standard error(s)": "the uncertainty of an average",
    "standard errors": "the uncertainty of an average",
    "standard error": "the uncertainty of an average",
    "pareto": "no other model is better on score, speed and size at once",
    "1std": "within one standard deviation, the usual fold-to-fold spread",
    "paired per-fold": "compared fold by fold on the same rows",
}


def alternative_label(key: str) -> str:
    return ALTERNATIVE_LABELS.get(key, key.replace("_", " "))


def explain(text: str) -> str:
    """``text`` with each glossary term explained in brackets after its first use."""
    for term, meaning in GLOSSARY.items():
        pattern = re.compile(rf"(?<![\w(]){re.escape(term)}(?![\w)])", re.IGNORECASE)
        match = pattern.search(text)
        if match and f"({meaning})" not in text:
            text = text[:match.end()] + f" ({meaning})" + text[match.end():]
    return text
