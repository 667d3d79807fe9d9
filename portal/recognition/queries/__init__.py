"""Recognition's reads, one module a page, each a fixed number of statements; `cards` holds the
nomination card every page shows."""
