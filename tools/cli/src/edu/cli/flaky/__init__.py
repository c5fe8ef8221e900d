"""Flaky tests: per-test history, flips on rerun, the flake hunt and the quarantine (ADR 0017)."""
