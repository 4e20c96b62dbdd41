"""The evaluate phase."""
