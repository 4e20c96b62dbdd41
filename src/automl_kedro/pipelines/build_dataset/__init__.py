"""The build_dataset phase."""
