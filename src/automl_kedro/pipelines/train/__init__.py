"""The train phase."""
