"""The load suite: Locust's entry point (`edu load smoke | weekly | run` passes it with -f).

User mix by weight: visitors 12, seeded students 6, new students 1, teachers 1; the course Q&A
users (scenarios/qa.py: listeners holding WebSockets, posters) in fixed numbers when the
profile asks for them. The suite runs against a stack `edu load` starts on free ports with data
from `edu seed`; see load/README.md.
"""

from scenarios import evidence, qa
from scenarios.shapes import shape_from_environment
from scenarios.students import NewStudent, Student
from scenarios.teachers import Teacher
from scenarios.visitors import Visitor

__all__ = ["NewStudent", "Student", "Teacher", "Visitor", "evidence"]

# Locust runs every User class it finds here: the Q&A users only when the profile has any.
if qa.enabled():
    QaListener = qa.QaListener
    QaPoster = qa.QaPoster
    __all__ += ["QaListener", "QaPoster"]

# Locust uses a LoadTestShape class it finds in this module; the weekly profiles pick one.
Shape = shape_from_environment()
