"""Placement matching: approved units to the people waiting. Pure Python, no I/O."""
