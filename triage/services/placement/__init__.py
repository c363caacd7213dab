"""The placement team's work: homes, the waiting list, matching and nominations."""
