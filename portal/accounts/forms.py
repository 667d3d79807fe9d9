from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

# Checked before any hashing, so a megabyte "password" costs nothing.
PASSWORD_NOT_TOO_LONG = Length(
    max=MAX_PASSWORD_LENGTH, message=f"Passwords are at most {MAX_PASSWORD_LENGTH} characters."
)
NEW_PASSWORD_LENGTH = [
    Length(min=MIN_PASSWORD_LENGTH, message=f"Use at least {MIN_PASSWORD_LENGTH} characters."),
    Length(
        max=MAX_PASSWORD_LENGTH,
        message=f"Use at most {MAX_PASSWORD_LENGTH} characters; a passphrase of a few words "
        "is plenty.",
    ),
]


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254, message="An email address is at most 254 characters."),
        ],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password."), PASSWORD_NOT_TOO_LONG]
    )
    next = HiddenField()
    submit = SubmitField("Sign in")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), PASSWORD_NOT_TOO_LONG],
    )
    new_password = PasswordField(
        "New password", validators=[DataRequired("Enter a new password."), *NEW_PASSWORD_LENGTH]
    )
    confirm_password = PasswordField(
        "Repeat new password",
        validators=[EqualTo("new_password", "The two new passwords are not the same.")],
    )
    submit = SubmitField("Change password")


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[DataRequired("Enter a password."), *NEW_PASSWORD_LENGTH]
    )
    confirm_password = PasswordField(
        "Repeat new password",
        validators=[EqualTo("password", "The two passwords are not the same.")],
    )
    submit = SubmitField("Set password")


class PeopleSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search people")
