"""The scoring rulebook: pure Python, no Flask, no database.

Until the scoring rules arrive this package holds the offer's data types and the
policy data they draw on (the strategy's cohorts).
"""
