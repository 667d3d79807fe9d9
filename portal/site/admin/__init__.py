"""The admin area (/admin): one blueprint, with one module a section registering its pages."""

from portal.site.admin import (
    awards,  # noqa: F401
    cycles,  # noqa: F401
    flags,  # noqa: F401
    leaderboards,  # noqa: F401
    views,  # noqa: F401  (importing a section registers its pages)
)
from portal.site.admin.blueprint import bp

__all__ = ["bp"]
