"""notifications: in-app notifications and queued emails, driven by other services' events."""
