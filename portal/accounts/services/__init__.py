"""What people do to accounts: sign in (signing_in), accept an invitation (invitations), and
what admins and the directory do to people (people)."""
