"""Plain Python: the moderation rules, the decision policy and the moderated item."""
