"""The report phase."""
