"""Development data through the services' own use cases: `edu seed S|M|L`."""
