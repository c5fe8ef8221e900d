"""notifications' entrypoints: the HTTP API (the event consumer is wired in bootstrap)."""
