from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.core.inputs import SensibleDate, WholeNumberField, optional_choice_number
from portal.ideas.models import CustomerChannel
from portal.ideas.rules import REVIEW_STATUSES

CHANNEL_CHOICES = [
    SelectChoice("", "Choose a channel"),
    *(SelectChoice(c.value, c.label) for c in CustomerChannel),
]
LONG_TEXT = Length(max=20_000)


def status_choices(statuses) -> list[SelectChoice]:
    return [SelectChoice(status.value, status.label) for status in statuses]


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
    submit = SubmitField("Submit idea")
    save_draft = SubmitField("Save draft")

    def set_choices(self, categories, campaigns) -> None:
        self.category.choices = [SelectChoice("", "Choose a category")] + [
            SelectChoice(str(category.id), category.name) for category in categories
        ]
        self.campaign.choices = [SelectChoice("", "No campaign")] + [
            SelectChoice(str(campaign.id), campaign.question) for campaign in campaigns
        ]


class ActionForm(FlaskForm):
    """A button-only form (vote, follow, delete): it carries just the CSRF token."""


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Comment", validators=[DataRequired("Write a comment first."), Length(max=10_000)]
    )
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


class CampaignForm(FlaskForm):
    question = StringField(
        "Question", validators=[DataRequired("Ask the campaign's question."), Length(max=200)]
    )
    description = TextAreaField("Description (optional)", validators=[LONG_TEXT])
    starts_on = DateField("Starts on", validators=[Optional()])
    ends_on = DateField("Ends on", validators=[Optional()])
    department = SelectField("Department (optional)", choices=[])
    submit = SubmitField("Save campaign")

    def set_departments(self, departments) -> None:
        self.department.choices = [SelectChoice("", "Everyone")] + [
            SelectChoice(str(department.id), department.name) for department in departments
        ]


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
