"""The benchmark and the integrity-under-load script (`make bench`); not part of pytest."""
