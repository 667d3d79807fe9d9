"""Import of the org chart from CSV: validate every row first, apply only a clean file.

Columns: email, name, title, department, manager_email, role. Re-importing updates people by
email instead of duplicating them; people new to the portal get an invitation email. The
rules are the user form's: addresses in NFKC form that look like nobody else's, no change
to the importing admin's own role, and never a portal without an active admin.
"""
