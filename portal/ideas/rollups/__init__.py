"""Summary rows of ideas kept current in the transaction of each write (see counting.py)."""
