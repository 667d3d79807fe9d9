"""Summary rows about people, kept current by every write to an account."""
