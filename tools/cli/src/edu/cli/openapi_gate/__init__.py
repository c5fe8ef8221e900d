"""The OpenAPI breaking-change gate: export every service's spec, diff it against main.

``edu openapi export`` writes ``contracts/openapi/<service>.json``; ``edu openapi check`` fails
when a committed spec is stale or when a spec breaks its clients compared with main and the
break is not acknowledged in ``contracts/openapi/<service>.breaking.toml`` (see the README
there and ADR 0006). The diff engine is direction-aware: what a request may carry can only
widen, what a response promises can only grow.
"""
