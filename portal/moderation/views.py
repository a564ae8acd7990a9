"""Moderation actions on ideas and comments: hide, restore, lock, approve."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("moderation", __name__)
