"""The ``edu`` command-line tool: home of every harness command."""
