"""Shared building blocks every eduplatform Python service uses."""
