"""Plan fixtures: see ``tests/plans/factories.py``."""
