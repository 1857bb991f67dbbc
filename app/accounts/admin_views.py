"""Users (admin): create, change role, deactivate."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.accounts import users as user_service
from app.errors import DomainError
from app.web.auth import role_required
from app.web.db import get_db
from app.web.form_replies import button_post
from app.web.forms import EmptyForm, RoleForm, UserCreateForm
from app.web.http_errors import http_status, refuse

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index():
    form = UserCreateForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = user_service.create_user(
                get_db(), email=form.email.data, password=form.password.data,
                display_name=form.display_name.data, role=form.role.data)
            flash(f"Created {user.email} ({user.role}).", "success")
            return redirect(url_for(".index"))
        except DomainError as err:
            refuse(err)
            status = http_status(err)
    elif form.errors:
        status = 400
    return render_template("admin/users.html", form=form, users=user_service.list_users(get_db()),
                           role_form=RoleForm(), action_form=EmptyForm()), status


@bp.route("/<int:user_id>/role", methods=["POST"])
@role_required("admin")
def set_role(user_id: int):
    form = RoleForm()
    if form.validate_on_submit():
        # Refusals (e.g. demoting the last admin) come back as a message on the list.
        try:
            user = user_service.get_user(get_db(), user_id)
            user_service.set_role(get_db(), user, form.role.data)
            flash(f"{user.email} is now {user.role}.", "success")
        except DomainError as err:
            refuse(err)
    return redirect(url_for(".index"))


@bp.route("/<int:user_id>/active", methods=["POST"])
@role_required("admin")
@button_post(".index")
def toggle_active(user_id: int):
    user = user_service.get_user(get_db(), user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate yourself.", "error")
        return
    user_service.set_active(get_db(), user, not user.active)
    flash(f"{user.email} is now {'active' if user.active else 'deactivated'}.", "success")
