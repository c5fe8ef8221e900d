"""The two ways an event can be wrong, one per direction."""

from __future__ import annotations


class EventContractError(ValueError):
    """A stored event does not fit ``edu.events.v1``: it must not leave the service."""


class MalformedEvent(ValueError):
    """Bytes from the bus that are not a well-formed event envelope (retrying cannot help)."""
