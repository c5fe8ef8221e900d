"""Implementations of the ports: PostgreSQL through SQLAlchemy, and fakes for tests."""
