"""The HTTP side of web: routes rendering Jinja2 pages, forms, cookies and error pages."""
