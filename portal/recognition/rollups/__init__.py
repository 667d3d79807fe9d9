"""Summary rows of recognition kept current in the transaction of each write (counting.py)."""
