"""The monitor phase."""
