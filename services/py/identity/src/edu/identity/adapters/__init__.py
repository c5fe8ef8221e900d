"""The technologies behind identity's ports: PostgreSQL, Redis, argon2, and fakes for tests."""
