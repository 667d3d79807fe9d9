"""The admin area (/admin): one blueprint, with one module a section registering its pages."""

from portal.site.admin import (
    ideas,  # noqa: F401  (importing a section registers its pages)
    views,  # noqa: F401  (importing a section registers its pages)
)
from portal.site.admin.blueprint import bp

__all__ = ["bp"]
