"""Read-only queries for the idea pages, one module a page, each in a fixed number of
statements. Import each query from its own module."""
