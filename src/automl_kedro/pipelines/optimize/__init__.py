"""The optimize phase: inverse design through a trained model."""
