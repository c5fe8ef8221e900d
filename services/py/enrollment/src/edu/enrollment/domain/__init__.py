"""Enrolments, progress and certificates as plain Python."""
