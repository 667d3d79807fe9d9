"""The admin area's sections, in one place: the lines of the admin navigation and of the
overview, and which section every admin endpoint belongs to, so each page, sub-pages
included, marks its section as the current one."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from portal.site.admin.blueprint import bp


@dataclass(frozen=True)
class Section:
    title: str
    summary: str  # the overview's one line about it
    endpoints: tuple[str, ...]  # every page and action of the section; the first is its link

    @property
    def endpoint(self) -> str:
        return self.endpoints[0]


# The navigation and the overview list them in this order.
SECTIONS = (
    Section(
        "People",
        "Find, add and edit people: their role, manager, invitation and account.",
        (
            "admin.users",
            "admin.new_user",
            "admin.edit_user",
            "admin.deactivate_user",
            "admin.reactivate_user",
            "admin.invite_user",
        ),
    ),
    Section(
        "Import org chart",
        "Add and update many people at once from a CSV file, with a preview first.",
        ("admin.import_users", "admin.confirm_import"),
    ),
    Section(
        "Awards",
        "The award catalogue: tiers, points, and who approves each award.",
        (
            "admin.awards",
            "admin.new_award",
            "admin.edit_award",
            "admin.award_active",
        ),
    ),
    Section(
        "Integrity flags",
        "Nominations held for a second look, to clear or reject.",
        ("admin.integrity_flags", "admin.resolve_flag"),
    ),
    Section(
        "Review cycles",
        "The periods review packets cover; close one when it ends.",
        ("admin.cycles", "admin.close_cycle", "admin.job_progress"),
    ),
    Section(
        "Leaderboards",
        "People ranked by recognition in a chosen period, also as CSV.",
        ("admin.leaderboards", "admin.leaderboards_csv"),
    ),
    Section(
        "Equity",
        "How evenly recognition reaches each department in a review cycle.",
        ("admin.equity",),
    ),
    Section(
        "Categories and campaigns",
        "The categories ideas are filed under, and campaigns that ask for ideas on one theme.",
        ("admin.categories", "admin.toggle_category", "admin.new_campaign", "admin.edit_campaign"),
    ),
    Section(
        "Sign-in and directory",
        "SCIM tokens for the company directory, and who joined through single sign-on.",
        ("admin.identity", "admin.new_token", "admin.revoke_token"),
    ),
    Section(
        "Audit log",
        "Sign-ins, denials, approvals, status changes, imports and admin edits.",
        ("admin.audit",),
    ),
)
SECTION_OF = {endpoint: section for section in SECTIONS for endpoint in section.endpoints}


@bp.app_template_global()
def admin_sections() -> tuple[Section, ...]:
    return SECTIONS


@bp.app_template_global()
def current_admin_section() -> Section | None:
    """The section of the page being drawn, or None outside the sections (the overview)."""
    return SECTION_OF.get(request.endpoint or "")
