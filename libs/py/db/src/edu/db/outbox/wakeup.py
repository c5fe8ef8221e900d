"""Wakes this process's outbox relays when a unit of work commits events.

A relay polls its outbox when idle (``poll_interval``, 0.5 s): an event written by this process
would wait up to that long before it reaches the bus, on every hop of a chain of services
(course Q&A: question -> moderation -> decision -> messaging, issue 24, where two polling relays
were most of the delivery time). Now the unit of work tells the relays after each commit that
wrote events, and they relay at once; polling stays for what other processes write (another
replica, a crash before the wake-up).

One registry per process: each relay registers an ``asyncio.Event`` of its own loop, and a
commit on any loop or thread sets it through ``call_soon_threadsafe`` (several apps, each on its
own loop, may share a test process).
"""

from __future__ import annotations

import asyncio
import threading


class OutboxWakeups:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[asyncio.Event, asyncio.AbstractEventLoop] = {}

    def register(self) -> asyncio.Event:
        """An event set whenever events are committed from now on (call inside the loop)."""
        event = asyncio.Event()
        with self._lock:
            self._waiting[event] = asyncio.get_running_loop()
        return event

    def unregister(self, event: asyncio.Event) -> None:
        with self._lock:
            self._waiting.pop(event, None)

    def written(self) -> None:
        """Events were committed: wake every registered relay."""
        with self._lock:
            waiting = list(self._waiting.items())
        for event, loop in waiting:
            if loop.is_closed():
                self.unregister(event)
                continue
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # the loop closed meanwhile
                self.unregister(event)


WAKEUPS = OutboxWakeups()
