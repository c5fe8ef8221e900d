"""identity: accounts, passwords, tokens and roles for eduplatform."""
