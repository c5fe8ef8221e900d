"""Schema conventions every service's metadata shares."""

from __future__ import annotations

from sqlalchemy import MetaData

# Deterministic constraint names, so Alembic migrations can drop and alter them by name and
# autogenerate compares like with like.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata() -> MetaData:
    """A fresh MetaData with the shared naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)
