"""The site: pages that compose the domains (home, people, layout, one admin area), the CLI."""
