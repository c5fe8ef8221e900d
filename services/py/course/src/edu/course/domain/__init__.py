"""Courses and lessons as plain Python: the rules teachers edit and publish within."""
