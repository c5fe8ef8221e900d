"""``edu report``: the test-health page built from the layer runner's results."""
