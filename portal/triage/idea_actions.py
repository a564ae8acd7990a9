"""Triage actions taken on one idea's page: status, tags, assignee, internal notes, merges, votes on behalf."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("idea_triage", __name__)
