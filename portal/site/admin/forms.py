from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.accounts.models import Role

ROLE_CHOICES = [SelectChoice(role.value, role.value.capitalize()) for role in Role]


class PersonForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired("Enter an email address."), Length(max=254)]
    )
    display_name = StringField(
        "Name", validators=[DataRequired("Enter the person's name."), Length(max=120)]
    )
    job_title = StringField("Job title", validators=[Optional(), Length(max=120)])
    department = StringField("Department", validators=[Optional(), Length(max=120)])
    manager_email = EmailField("Manager's email", validators=[Optional(), Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.EMPLOYEE.value)
    submit = SubmitField("Save person")


class ImportUploadForm(FlaskForm):
    file = FileField(
        "Org chart CSV file",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv", "txt"], "Upload a .csv file."),
        ],
    )
    submit = SubmitField("Preview import")


class ImportConfirmForm(FlaskForm):
    content = HiddenField()
    submit = SubmitField("Import these people")


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[
            DataRequired("Name the token after the directory that will use it."),
            Length(max=80),
        ],
    )
    submit = SubmitField("Create token")
