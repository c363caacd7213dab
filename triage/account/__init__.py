"""A member of staff's own settings."""
