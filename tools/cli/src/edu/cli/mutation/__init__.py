"""``edu mutation``: mutation testing of every service's domain and service layer (ADR 0020)."""
