"""Expected answers of the tracking pages (attendance, dashboard, report), per role.

Used by tests/test_pages.py: the group's own formateur and admins only.
"""

MANAGERS = {"formateur", "admin"}

TRACKING_PAGES: dict = {
    "followup.attendance": (lambda w: f"/groupes/{w['group'].id}/emargement", MANAGERS),
    "followup.dashboard": (lambda w: f"/groupes/{w['group'].id}/tableau-de-bord", MANAGERS),
    "followup.session_report": (lambda w: f"/groupes/{w['group'].id}/rapport", MANAGERS),
}
