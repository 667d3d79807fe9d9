"""The admin area (/admin): one blueprint, with one module a section registering its pages."""

# Importing a section registers its pages; navigation registers the admin menu's globals.
from portal.site.admin import (  # noqa: F401
    audit,
    awards,
    cycles,
    flags,
    ideas,
    identity,
    leaderboards,
    navigation,
    overview,
    people,
)
from portal.site.admin.blueprint import bp

__all__ = ["bp"]
