"""What a directory does to people (users) and to groups (groups)."""
