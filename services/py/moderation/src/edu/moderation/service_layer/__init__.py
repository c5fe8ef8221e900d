"""Use cases: moderate a submitted text once, review held items."""
