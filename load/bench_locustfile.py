"""The benchmark's fallback load generator where wrk is not installed: closed loop, no think time.

`edu load bench` runs it with ``--host`` set to the service or the twin, one after the other.
"""

from locust import FastHttpUser, task


class ClosedLoop(FastHttpUser):
    @task
    def catalogue_page(self) -> None:
        self.client.get("/courses?page=1&page_size=20", name="catalogue")
