"""Review cycles and each person's review packet of recognition evidence."""
