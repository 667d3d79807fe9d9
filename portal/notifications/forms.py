from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Delivery

DELIVERY_CHOICES = [
    SelectChoice(Delivery.IMMEDIATE.value, "Email me each one as it happens"),
    SelectChoice(Delivery.DAILY.value, "Email me a daily digest"),
    SelectChoice(Delivery.NONE.value, "No email; I will check the bell"),
]


class DeliveryForm(FlaskForm):
    delivery = RadioField("Email about notifications", choices=DELIVERY_CHOICES)
    submit = SubmitField("Save preference")
