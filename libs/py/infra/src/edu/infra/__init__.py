"""Backends for PostgreSQL, NATS JetStream and Redis: external, Docker or embedded."""
