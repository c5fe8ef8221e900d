"""notifications' use cases: handling events, the user's inbox, email preferences."""
