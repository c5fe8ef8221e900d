"""The eduplatform pytest plugin (see edu.testing.plugin)."""
