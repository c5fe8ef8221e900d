"""HTTP routes (FastAPI) and the ASGI factory."""
