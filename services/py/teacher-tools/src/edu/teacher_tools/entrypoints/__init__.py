"""HTTP: the dashboard routes, dependencies and response bodies."""
