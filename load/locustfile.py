"""The load suite: Locust's entry point (`edu load smoke | weekly | run` passes it with -f).

User mix by weight: visitors 12, seeded students 6, new students 1, teachers 1. The suite runs
against a stack `edu load` starts on free ports with data from `edu seed`; see load/README.md.
"""

from scenarios import evidence
from scenarios.shapes import shape_from_environment
from scenarios.students import NewStudent, Student
from scenarios.teachers import Teacher
from scenarios.visitors import Visitor

__all__ = ["NewStudent", "Student", "Teacher", "Visitor", "evidence"]

# Locust uses a LoadTestShape class it finds in this module; the weekly profiles pick one.
Shape = shape_from_environment()
