"""The one admin area: every page under /admin belongs to this blueprint, one module a section."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
