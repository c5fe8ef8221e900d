"""Course service: authoring by teachers and the public catalogue of published courses."""
