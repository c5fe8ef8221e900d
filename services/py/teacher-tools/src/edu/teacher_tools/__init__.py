"""teacher-tools: the teacher dashboard backend."""
