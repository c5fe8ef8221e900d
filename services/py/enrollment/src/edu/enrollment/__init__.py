"""Enrollment service: enrolments, lesson progress, course completion and certificates."""
