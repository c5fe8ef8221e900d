"""``edu selection-audit``: planted faults replayed against ``edu affected`` (issue 28, ADR 0017)."""
