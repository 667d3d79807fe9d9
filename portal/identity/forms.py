from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[
            DataRequired("Name the token after the directory that will use it."),
            Length(max=80),
        ],
    )
    submit = SubmitField("Create token")
