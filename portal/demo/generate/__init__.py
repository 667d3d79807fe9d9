"""Large demo data: a whole organisation with years of ideas, votes and awards, bulk-loaded.

Everything is planned in memory first (deterministic for a seed and a day), then written with
Core ``insert()`` in chunks, one transaction per phase. Counters and ranking columns are
computed from the planned rows with the app's own functions, and review paths and approvers
come from the domains' own rules, so the data comes out as if every vote, comment and
decision had gone through the services.
"""
