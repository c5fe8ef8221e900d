"""HTTP: the FastAPI app, its routes and their request and response models."""
