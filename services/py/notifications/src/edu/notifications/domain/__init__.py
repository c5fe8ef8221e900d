"""notifications' domain: plain Python, no framework (an import-linter contract checks it)."""
