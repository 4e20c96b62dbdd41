"""Report rendering (pure)."""
