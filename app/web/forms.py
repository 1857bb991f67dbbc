"""Forms shared across areas (Flask-WTF: every form carries a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from models import ROLES


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=512)])


class UserCreateForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Display name", validators=[Length(max=100)])
    password = PasswordField("Initial password", validators=[DataRequired(), Length(min=10)])
    role = SelectField("Role", choices=list(ROLES), default="blogger")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=list(ROLES))


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token, for one-button posts."""
