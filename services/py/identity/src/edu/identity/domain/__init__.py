"""identity's rules in plain Python: no framework, no database, no network."""
