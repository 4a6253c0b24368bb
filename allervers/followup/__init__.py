"""Following the training: self-assessment, action plans, practice journal, attendance,
the trainer's dashboard, the objectives tracker and the session report."""

from flask import Blueprint

bp = Blueprint("followup", __name__)
