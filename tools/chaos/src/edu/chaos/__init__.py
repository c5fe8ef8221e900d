"""Chaos experiments' actions and probes; see chaos/README.md."""
