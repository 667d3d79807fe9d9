"""The admin area (/admin): one blueprint, with one module a section registering its pages."""

from portal.site.admin import (  # noqa: F401  (importing a section registers its pages)
    awards,
    cycles,
    flags,
    ideas,
    leaderboards,
    views,
)
from portal.site.admin.blueprint import bp

__all__ = ["bp"]
