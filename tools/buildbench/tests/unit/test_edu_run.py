"""Today's runner: never two cargo builds at once, Python tasks beside one."""

import threading

from edu.buildbench.edu_run import CargoAwareQueue
from edu.buildbench.graph import Project

RS_A = Project("rust:a", "a", "rust", "a", (), False)
RS_B = Project("rust:b", "b", "rust", "b", (), False)
PY = Project("edu-c", "c", "python", "edu-c", (), True)


class TestCargoAwareQueue:
    def test_a_python_task_comes_while_cargo_is_busy(self) -> None:
        queue = CargoAwareQueue([(RS_A, "build"), (RS_B, "build")], [(PY, "lint")])

        assert queue.take() == (RS_A, "build")
        assert queue.take() == (PY, "lint")

    def test_the_next_cargo_task_waits_for_the_first_to_finish(self) -> None:
        queue = CargoAwareQueue([(RS_A, "build"), (RS_B, "build")], [])
        first = queue.take()
        taken: list[object] = []
        waiter = threading.Thread(target=lambda: taken.append(queue.take()))
        waiter.start()
        waiter.join(timeout=0.2)

        assert waiter.is_alive()
        assert first is not None
        queue.done(first)
        waiter.join(timeout=2)
        assert taken == [(RS_B, "build")]

    def test_an_empty_queue_ends_the_worker(self) -> None:
        queue = CargoAwareQueue([], [(PY, "unit")])

        assert queue.take() == (PY, "unit")
        assert queue.take() is None
