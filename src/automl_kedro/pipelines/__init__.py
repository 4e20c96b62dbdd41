"""One modular pipeline per phase."""
