"""The CI pipelines as code: what ``.github/workflows`` run, checked against the layer registry."""
