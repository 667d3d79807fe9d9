from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from portal.core.inputs import filter_number
from portal.leaderboards.periods import Period
from portal.leaderboards.queries import Grouping

PERIOD_CHOICES = [
    SelectChoice(Period.MONTH.value, "This month"),
    SelectChoice(Period.QUARTER.value, "This quarter"),
    SelectChoice(Period.YEAR.value, "This year"),
    SelectChoice(Period.CYCLE.value, "A review cycle"),
    SelectChoice(Period.CUSTOM.value, "Custom dates"),
]
GROUPING_CHOICES = [
    SelectChoice(Grouping.PEOPLE.value, "People"),
    SelectChoice(Grouping.TEAMS.value, "Teams"),
    SelectChoice(Grouping.DEPARTMENTS.value, "Departments"),
]


class LeaderboardForm(FlaskForm):
    class Meta:
        csrf = False

    grouping = SelectField("Rank", choices=GROUPING_CHOICES, default=Grouping.PEOPLE.value)
    period = SelectField("Period", choices=PERIOD_CHOICES, default=Period.QUARTER.value)
    cycle = SelectField("Review cycle", coerce=filter_number, validate_choice=False, default=0)
    first = DateField("From", validators=[Optional()])
    last = DateField("To", validators=[Optional()])
    department = SelectField("Department", coerce=filter_number, validate_choice=False, default=0)
    award = SelectField("Award", coerce=filter_number, validate_choice=False, default=0)
