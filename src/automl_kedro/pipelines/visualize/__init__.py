"""The visualize phase: plots of a finished run, regenerated."""
