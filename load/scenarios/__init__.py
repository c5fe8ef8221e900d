"""The load suite's users: anonymous visitors, students, new students and teachers."""
