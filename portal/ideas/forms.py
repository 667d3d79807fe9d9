"""What comes in from the browser: the idea forms, the feed's query string, and the service
inputs each form turns into."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.models import Department
from portal.core.db import utcnow
from portal.core.errors import DomainError
from portal.core.inputs import SensibleDate, WholeNumberField, optional_choice_number, parse_id
from portal.ideas.models import Campaign, Category, CustomerChannel, IdeaStatus
from portal.ideas.queries.feed import FeedFilters, Sort
from portal.ideas.rules import REVIEW_STATUSES
from portal.ideas.services.campaigns import CampaignInput
from portal.ideas.services.reviewing import ImpactInput, TransitionInput
from portal.ideas.services.submitting import IdeaInput

CHANNEL_CHOICES = [
    SelectChoice("", "Choose a channel"),
    *(SelectChoice(c.value, c.label) for c in CustomerChannel),
]
LONG_TEXT = Length(max=20_000)
DEFAULT_INSIGHT_DAYS = 90
E = TypeVar("E", bound=enum.Enum)


def status_choices(statuses: Iterable[IdeaStatus]) -> list[SelectChoice]:
    return [SelectChoice(status.value, status.label) for status in statuses]


def _options(nothing: str, choices: Iterable[tuple[int, str]]) -> list[SelectChoice]:
    """A select's options by id, after the option that chooses nothing."""
    return [SelectChoice("", nothing), *(SelectChoice(str(key), name) for key, name in choices)]


def enum_or_none(enum_class: type[E], value: str | None) -> E | None:
    """The member whose value was sent, or None for nothing or anything else."""
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


def feed_filters(args: Mapping[str, str]) -> FeedFilters:
    """The feed's filters from its query string; anything unknown is left out."""
    return FeedFilters(
        sort=enum_or_none(Sort, args.get("sort")) or Sort.TRENDING,
        search=args.get("q", "")[:200],
        status=enum_or_none(IdeaStatus, args.get("status")),
        category_id=parse_id(args.get("category")),
        channel=enum_or_none(CustomerChannel, args.get("channel")),
        department_id=parse_id(args.get("department")),
        campaign_id=parse_id(args.get("campaign")),
        mine=args.get("mine") == "1",
        voted=args.get("voted") == "1",
    )


def feed_args(filters: FeedFilters) -> dict[str, object]:
    """The filters as URL arguments, leaving out the defaults, for links and the next page."""
    pairs = {
        "sort": filters.sort.value if filters.sort is not Sort.TRENDING else None,
        "q": filters.search or None,
        "status": filters.status.value if filters.status else None,
        "category": filters.category_id,
        "channel": filters.channel.value if filters.channel else None,
        "department": filters.department_id,
        "campaign": filters.campaign_id,
        "mine": "1" if filters.mine else None,
        "voted": "1" if filters.voted else None,
    }
    return {name: value for name, value in pairs.items() if value is not None}


class IdeaForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Give the idea a title."), Length(max=200)]
    )
    problem = TextAreaField("Customer problem", validators=[LONG_TEXT])
    solution = TextAreaField("Proposed solution", validators=[LONG_TEXT])
    impact = TextAreaField("Expected customer impact", validators=[LONG_TEXT])
    channel = SelectField("Customer channel", choices=CHANNEL_CHOICES)
    category = SelectField("Category", choices=[])
    # The service checks the campaign, which may have closed since the idea joined it.
    campaign = SelectField(
        "Campaign (optional)",
        choices=[],
        validate_choice=False,
        coerce=optional_choice_number,
        invalid_value_message="Choose a campaign from the list.",
    )
    co_authors = StringField("Co-authors (optional)", validators=[Length(max=1000)])
    # "1" when the similar ideas were shown already: while typing (static/js/ideas.js sets it
    # where JavaScript runs) or on the step that lists them, so submitting does not ask again.
    similar_seen = HiddenField()
    submit = SubmitField("Submit idea")
    confirm_post = SubmitField("Post it anyway")
    save_draft = SubmitField("Save draft")

    # What a submitted idea needs (a draft needs only its title), checked together so that
    # one submit reports every missing field; the service checks the same on its own.
    REQUIRED = (
        ("problem", "Describe the customer problem."),
        ("solution", "Describe the solution you propose."),
        ("impact", "Say what it would change for customers."),
        ("channel", "Choose the customer channel."),
        ("category", "Choose a category."),
    )

    @property
    def submitting(self) -> bool:
        return not self.save_draft.data

    @property
    def asks_about_similar(self) -> bool:
        """A new idea checks for similar ones first, unless they were seen already."""
        return self.submitting and not self.confirm_post.data and self.similar_seen.data != "1"

    def similar_text(self) -> tuple[str, str]:
        return self.title.data or "", self.problem.data or ""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        title = (self.title.data or "").strip()
        if title and len(title) < 5 and not self.title.errors:
            self.title.errors = [
                *self.title.errors,
                "Give the idea a title of at least 5 characters.",
            ]
            valid = False
        if self.submitting:
            for name, message in self.REQUIRED:
                field = self[name]
                if not str(field.data or "").strip() and not field.errors:
                    field.errors = [*field.errors, message]
                    valid = False
        return valid

    def set_choices(self, categories: Iterable[Category], campaigns: Iterable[Campaign]) -> None:
        self.category.choices = _options(
            "Choose a category", ((category.id, category.name) for category in categories)
        )
        self.campaign.choices = _options(
            "No campaign", ((campaign.id, campaign.question) for campaign in campaigns)
        )

    def idea_input(self) -> IdeaInput:
        return IdeaInput(
            title=self.title.data or "",
            problem=self.problem.data or "",
            solution=self.solution.data or "",
            impact=self.impact.data or "",
            channel=enum_or_none(CustomerChannel, self.channel.data),
            category_id=parse_id(self.category.data),
            co_author_emails=tuple((self.co_authors.data or "").replace(";", ",").split(",")),
            campaign_id=self.campaign.data,
        )


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Comment", validators=[DataRequired("Write a comment first."), Length(max=10_000)]
    )
    # The comment replied to; a reply to a reply joins the top comment's thread.
    parent = HiddenField()
    submit = SubmitField("Post comment")


class ReviewForm(FlaskForm):
    status = SelectField("Status", choices=status_choices(REVIEW_STATUSES))
    note = TextAreaField("Note", validators=[Length(max=10_000)])
    duplicate_of = WholeNumberField(
        "Original idea number",
        validators=[Optional()],
        minimum=1,
        message="Give the original idea's number, like 42.",
    )
    owner = StringField("Owner's email", validators=[Length(max=254)])
    what_was_done = TextAreaField("What was done", validators=[LONG_TEXT])
    measure = StringField("Measure", validators=[Length(max=120)])
    unit = StringField("Unit", validators=[Length(max=40)])
    before = DecimalField("Before", validators=[Optional()], places=2)
    after = DecimalField("After", validators=[Optional()], places=2)
    measured_on = DateField("Measured on", validators=[Optional()])
    submit = SubmitField("Update status")

    def transition_input(self) -> TransitionInput:
        status = enum_or_none(IdeaStatus, self.status.data)
        if status is None:
            raise DomainError("Choose a status.", field="status")
        impact = None
        if status is IdeaStatus.IMPLEMENTED:
            impact = ImpactInput(
                what_was_done=self.what_was_done.data or "",
                measure=self.measure.data or "",
                unit=self.unit.data or "",
                before=self.before.data,
                after=self.after.data,
                measured_on=self.measured_on.data,
            )
        return TransitionInput(
            to_status=status,
            note=self.note.data or "",
            duplicate_of_id=self.duplicate_of.data,
            owner_email=self.owner.data or "",
            impact=impact,
        )


class CampaignForm(FlaskForm):
    question = StringField(
        "Question", validators=[DataRequired("Ask the campaign's question."), Length(max=200)]
    )
    description = TextAreaField("Description (optional)", validators=[LONG_TEXT])
    starts_on = DateField("Starts on", validators=[Optional()])
    ends_on = DateField("Ends on", validators=[Optional()])
    department = SelectField("Department (optional)", choices=[])
    submit = SubmitField("Save campaign")

    def set_departments(self, departments: Iterable[Department]) -> None:
        self.department.choices = _options(
            "Everyone", ((department.id, department.name) for department in departments)
        )

    def campaign_input(self) -> CampaignInput:
        return CampaignInput(
            question=self.question.data or "",
            description=self.description.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            department_id=parse_id(self.department.data),
        )


class CategoryForm(FlaskForm):
    name = StringField("Category name", validators=[DataRequired("Give the category a name.")])
    submit = SubmitField("Add category")


class InsightsForm(FlaskForm):
    """The period of the insights page: a query string, so no CSRF token."""

    class Meta:
        csrf = False

    start = DateField(
        "From", name="from", id="insights-from", validators=[Optional(), SensibleDate()]
    )
    end = DateField("To", name="to", id="insights-to", validators=[Optional(), SensibleDate()])

    def period(self) -> tuple[date, date]:
        """The dates asked for; a refused one keeps what was typed, its message, and the
        default."""
        self.validate()
        end = (None if self.end.errors else self.end.data) or utcnow().date()
        start = (None if self.start.errors else self.start.data) or end - timedelta(
            days=DEFAULT_INSIGHT_DAYS - 1
        )
        start, end = min(start, end), max(start, end)
        for field, shown in ((self.start, start), (self.end, end)):
            if not field.errors:
                field.raw_data, field.data = None, shown
        return start, end
