"""``edu load``: Locust load profiles against the seeded platform, held against SLOs as data."""

from edu.cli.load.commands import load_app

__all__ = ["load_app"]
