"""moderation: rule-based checks over questions, answers and course titles; a review queue."""
