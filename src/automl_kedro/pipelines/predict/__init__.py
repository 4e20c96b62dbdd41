"""The predict phase."""
