"""Typed clients of the services' public HTTP APIs: the only code in web that speaks HTTP to
them (the consumer-contract tests pin exactly these). Each has a Protocol (the port the pages
use), an httpx implementation and a hand-written fake in :mod:`edu.web.testing`."""
