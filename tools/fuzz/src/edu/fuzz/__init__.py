"""The API fuzzing tier (schemathesis): the stack it fuzzes, its users, its reproductions."""
