"""HTTP routes (FastAPI), the course-events consumer and the ASGI factory."""
