"""The upstreams' HTTP clients (course, messaging, moderation, enrollment) behind the ports."""
