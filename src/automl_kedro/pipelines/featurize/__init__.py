"""The featurize phase."""
