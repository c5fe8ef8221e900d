"""Persistence shared by eduplatform services.

* :mod:`edu.db.engine` — the async engine every service opens on its own database.
* :mod:`edu.db.ports` — the unit-of-work port services extend (plain typing, no SQLAlchemy).
* :mod:`edu.db.uow` — the unit of work over a session, the one place that commits.
* :mod:`edu.db.outbox` — the transactional outbox and the relay that publishes it to NATS.
* :mod:`edu.db.migrations` — Alembic run programmatically, and the stairway walk for tests.
* :mod:`edu.db.testing` — for tests only: the fake outbox, publisher and unit of work, and the
  migration checks every service runs.
"""
