"""Implementations of the ports: PostgreSQL, the course service client, NATS, and fakes."""
