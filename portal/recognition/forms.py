import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from portal.core.inputs import WholeNumberField, choice_number
from portal.recognition.models import ApprovalPath, AwardTier, Trait
from portal.recognition.rules import MAX_AWARD_POINTS

TRAIT_CHOICES = [SelectChoice(trait.value, trait.label) for trait in Trait]
TIER_CHOICES = [SelectChoice(tier.value, tier.value.capitalize()) for tier in AwardTier]
PATH_CHOICES = [
    SelectChoice(ApprovalPath.MANAGER.value, "The nominee's manager"),
    SelectChoice(ApprovalPath.MANAGER_THEN_SKIP.value, "Manager, then the skip-level manager"),
    SelectChoice(ApprovalPath.COMMITTEE.value, "Manager, then the awards committee"),
]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        """The service explains a missing or unknown trait beside the field."""


class NominationForm(FlaskForm):
    colleague = StringField(
        "Colleague",
        validators=[DataRequired("Enter your colleague's name or email."), Length(max=254)],
    )
    team = StringField("More colleagues for a team nomination", validators=[Length(max=2000)])
    award = SelectField(
        "Award",
        coerce=choice_number,
        validate_choice=False,
        invalid_value_message="Choose an award from the list.",
    )
    traits = CheckboxesField("Traits", choices=TRAIT_CHOICES)
    citation = TextAreaField(
        "What did they do?",
        validators=[DataRequired("Say what they did for the customer."), Length(max=5000)],
    )
    confidential_note = TextAreaField(
        "Confidential note for approvers", validators=[Optional(), Length(max=2000)]
    )
    evidence_reference = StringField(
        "Case or ticket reference", validators=[Optional(), Length(max=120)]
    )
    customer_words = TextAreaField(
        "The customer's own words", validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField("Submit nomination")


class DecisionForm(FlaskForm):
    version = WholeNumberField(widget=HiddenInput(), validators=[InputRequired()])
    decision = HiddenField()
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=2000)])
    lower_award = SelectField(
        "Lower-tier award",
        coerce=choice_number,
        validate_choice=False,
        invalid_value_message="Choose a lower-tier award from the list.",
    )


class ResubmitForm(FlaskForm):
    version = WholeNumberField(widget=HiddenInput(), validators=[InputRequired()])
    citation = TextAreaField(
        "What did they do?",
        validators=[DataRequired("Say what they did for the customer."), Length(max=5000)],
    )
    submit = SubmitField("Resubmit nomination")


class AwardForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Enter the award's name."), Length(max=120)]
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=1000)])
    tier = SelectField("Tier", choices=TIER_CHOICES)
    points = WholeNumberField(
        "Points",
        validators=[InputRequired("Enter the points, 0 or more.")],
        maximum=MAX_AWARD_POINTS,
        message=f"Points are a whole number from 0 to {MAX_AWARD_POINTS}.",
    )
    approval_path = SelectField("Approval path", choices=PATH_CHOICES)
    committee = StringField("Committee members", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save award")


class FlagResolutionForm(FlaskForm):
    resolution = HiddenField()
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=2000)])


class WithdrawForm(FlaskForm):
    version = WholeNumberField(widget=HiddenInput(), validators=[InputRequired()])


class PrivacyForm(FlaskForm):
    hidden = BooleanField("Hide my awards from colleagues on the wall and my profile")
    submit = SubmitField("Save privacy choice")


def split_emails(text: str | None) -> list[str]:
    """The addresses in a field that separates them with spaces, commas or semicolons."""
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


class CelebrateForm(FlaskForm):
    """Says which way the button goes ("1" celebrate, "0" take it back), so a double click or
    a second tab repeats the same choice instead of undoing it."""

    celebrate = HiddenField(validators=[InputRequired(), AnyOf(["0", "1"])])


class AwardCommentForm(FlaskForm):
    comment = TextAreaField("Comment", validators=[Length(max=2000)])
