from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class CycleForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Enter the cycle's name."), Length(max=120)]
    )
    starts_on = DateField("First day", validators=[Optional()])
    ends_on = DateField("Last day", validators=[Optional()])
    submit = SubmitField("Add review cycle")
