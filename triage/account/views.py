"""Staff: how they want to hear about their offers by email."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import SubmitField

from triage.auth.access import staff_required
from triage.fields import ChoiceField
from triage.models.users import NOTIFICATION_FREQUENCY_LABELS, NotificationFrequency
from triage.services import notifications

blueprint = Blueprint("account", __name__, url_prefix="/account")


class NotificationsForm(FlaskForm):
    frequency = ChoiceField(
        "How do you want to hear about your offers?",
        required="Select how you want to hear about your offers",
        choices=[(value.value, label) for value, label in NOTIFICATION_FREQUENCY_LABELS.items()],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


@blueprint.route("/notifications", methods=["GET", "POST"])
@staff_required
def notifications_page() -> str | Response:
    user = current_user.user
    form = NotificationsForm(data={"frequency": user.notification_frequency})
    if form.validate_on_submit():
        notifications.set_frequency(user, NotificationFrequency(form.frequency.data))
        flash("Your email notification settings have been saved")
        return redirect(url_for("account.notifications_page"))
    return render_template("views/account/notifications.html", form=form)
