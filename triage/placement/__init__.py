"""The supported living placement team's pages: the waiting list, homes, matching
and nominations. Only placement officers and administrators see any of it."""
