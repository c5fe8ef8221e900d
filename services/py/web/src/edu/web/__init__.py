"""web: the student and teacher front end (server-rendered; ADR 0008)."""
