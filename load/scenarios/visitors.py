"""Anonymous visitors: most of the traffic, all of it reads of the public catalogue."""

from __future__ import annotations

from locust import FastHttpUser, between, task

from scenarios.catalogue import CatalogueBrowsing


class Visitor(FastHttpUser):
    """Pages through the catalogue, searches, filters, opens courses and reads lessons.

    Think times are random, so users act independently: with a fixed pace (Locust's
    constant_throughput) every user spawned in the same second fires in the same instant, and
    the bursts, not the platform, set the latency (a 20-user run measured p50 130 ms that way
    against 5 ms with random think times on the same stack).
    """

    weight = 12
    wait_time = between(0.5, 1.5)
    # A request sent on a keep-alive connection the server is closing (uvicorn: 5 s idle; a
    # user's connection to one service idles while it talks to another) fails with "connection
    # closed" before the service saw it. Browsers retry those once, and so do our users.
    max_retries = 1

    def on_start(self) -> None:
        self.catalogue = CatalogueBrowsing(self)

    @task(4)
    def browse(self) -> None:
        self.catalogue.browse()

    @task(2)
    def search(self) -> None:
        self.catalogue.search()

    @task(2)
    def search_index(self) -> None:
        self.catalogue.search_index()

    @task(1)
    def filter(self) -> None:
        self.catalogue.filter()

    @task(3)
    def open_course(self) -> None:
        self.catalogue.course()

    @task(1)
    def read_lesson(self) -> None:
        self.catalogue.lesson()
