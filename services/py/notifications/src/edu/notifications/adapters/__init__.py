"""notifications' adapters: PostgreSQL repositories, the Jinja2 email renderer, test fakes."""
