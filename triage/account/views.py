"""Staff: how they want to hear about their offers by email."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from triage.account import bp
from triage.account.forms import NotificationsForm
from triage.auth.access import acting_user, staff_required
from triage.models.users import NotificationFrequency
from triage.services import notifications


@bp.route("/notifications", methods=["GET", "POST"])
@staff_required
def notifications_page() -> str | Response:
    user = acting_user()
    form = NotificationsForm(data={"frequency": user.notification_frequency})
    if form.validate_on_submit():
        notifications.set_frequency(user, NotificationFrequency(form.frequency.data))
        flash("Your email notification settings have been saved")
        return redirect(url_for("account.notifications_page"))
    return render_template("views/account/notifications.html", form=form)
