"""Use cases and the ports they need (Protocols), independent of any framework."""
