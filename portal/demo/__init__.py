"""Demo data: the small demo organisation (`flask demo load`) and the large-data generator
(`flask demo generate`). Both take the portal's rules (review paths, who approves) from the
domains instead of restating them."""
