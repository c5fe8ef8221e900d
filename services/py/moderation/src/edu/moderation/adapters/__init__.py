"""Adapters named for their technology: SQLAlchemy tables, repositories, unit of work."""
