from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

PASSWORD_LENGTH = Length(
    min=MIN_PASSWORD_LENGTH,
    max=MAX_PASSWORD_LENGTH,
    message=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    next = HiddenField()
    submit = SubmitField("Sign in")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
    new_password = PasswordField("New password", validators=[DataRequired(), PASSWORD_LENGTH])
    confirm_password = PasswordField(
        "Repeat new password",
        validators=[EqualTo("new_password", "The two new passwords are not the same.")],
    )
    submit = SubmitField("Change password")


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), PASSWORD_LENGTH])
    confirm_password = PasswordField(
        "Repeat new password",
        validators=[EqualTo("password", "The two passwords are not the same.")],
    )
    submit = SubmitField("Set password")


class PeopleSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search people")
