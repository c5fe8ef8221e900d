"""HTTP routes, the event consumer, the app and the evaluation command."""
