"""Recognition leaderboards and the equity view for admins."""
