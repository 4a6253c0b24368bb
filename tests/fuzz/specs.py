"""What the fuzz tests post to each mutating route: who, where, and the form a page would send.

endpoint → Spec. `fields(ids)` gives, for each field name of the route's form (see its form
class), the strategy of a value its page could send: the tests then mutate some of them into
hostile values, drop them or send them twice. URL arguments come from the fuzz world (see
conftest.py) by name (ARGS), or from `args` when the route acts on another record (a deleted
one to restore). A route that must not be fuzzed is listed in EXCLUDED with the reason.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import strategies as st

from allervers.auth.models import ROLES
from allervers.core import vocab
from allervers.directory import importer
from allervers.followup.models import ACTION_STATUSES
from allervers.initiatives.models import DIMENSIONS, STATUSES, TERRITORY_KINDS, VISIBILITIES
from allervers.maps.models import DIRECTIONS, FEASIBILITIES, FREQUENCIES, POSITIONS
from allervers.maps.models import STATUSES as LINK_STATUSES
from tests.fuzz.strategies import choices, csv_bytes, csv_text, dates, positions_json
from tests.fuzz.strategies import valid_text as text
from tests.helpers import TEST_PASSWORD

Fields = Callable[[dict], dict[str, st.SearchStrategy]]

# URL argument → the fuzz world's record it names, unless a spec says otherwise.
ARGS = {
    "map_id": "map",
    "entry_id": "entry",
    "link_id": "link",
    "structure_id": "structure",
    "merge_id": "merge",
    "initiative_id": "initiative",
    "effect_id": "effect",
    "partner_id": "initiative_partner",
    "presentation_id": "presentation",
    "item_id": "item",
    "action_id": "action",
    "note_id": "note",
    "statement_id": "statement",
    "session_id": "session",
    "group_id": "group",
    "user_id": "stagiaire",
    "moment": "moment",
    "code": "technique",
    "slug": "map_slug",  # the trash's routes: a deleted map by default
    "record_id": "deleted_map",
    "event_id": "history_event",  # a change to the trainee's map whose old value may be erased
    "attachment_id": "referent_request",
    "token": "reset_token",  # an open reset link for the trainee
}


@dataclass(frozen=True)
class Spec:
    role: str | tuple[str, ...]
    fields: Fields = lambda ids: {}
    args: dict[str, str] = field(default_factory=dict)
    files: Fields = lambda ids: {}
    query: Fields = lambda ids: {}  # the query string, for the routes that read one
    # Pages that must still render after an accepted request (besides where it redirects).
    pages: Callable[[dict], list[str]] = lambda ids: []
    # Tables a refused request changes by design (documented in the route's spec).
    changes_on_refusal: frozenset[str] = frozenset()
    fresh_client: bool = False  # a new client per example (sign-in, sign-out)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """An optional field: absent (None), or a value."""
    return st.one_of(st.none(), strategy)


def some(values) -> st.SearchStrategy:
    """Checkboxes or a multiple select: several values, sent as repeated fields."""
    return st.lists(choices(values), max_size=4, unique=True)


def codes(name: str) -> list[str]:
    return [entry.code for entry in vocab.load(name)]


def checkbox() -> st.SearchStrategy:
    return maybe(st.just("y"))


def version(ids: dict) -> st.SearchStrategy:
    """The hidden version field: the record's (usually 1 in the fuzz world), or stale."""
    return st.sampled_from(["1", "", "2", "0"])


# ----- the forms, by domain -------------------------------------------------------------------


def map_fields(ids):
    return {
        "title": text(200),
        "territory": maybe(text(200)),
        "focal_structure_id": maybe(choices([ids["structure"], ids["partner"]])),
        "version": version(ids),
    }


def entry_fields(ids):
    return {
        "structure_id": maybe(choices([ids["partner"], ids["structure"], ids["merge_kept"]])),
        "q": maybe(text(40)),
        "new_name": maybe(text(200)),
        "new_commune": maybe(text(120)),
        "new_typology": maybe(choices(codes("typologies"))),
        "influence": maybe(choices(range(6))),
        "position": maybe(choices(POSITIONS)),
        "note": maybe(text(2000)),
        "confirm_no_personal_data": checkbox(),
        "version": version(ids),
    }


def link_fields(ids):
    names = ("trust_reliability", "trust_mission", "trust_dialogue", "value_influence",
             "value_involvement", "value_resources")  # fmt: skip
    ratings = {name: maybe(choices(range(1, 5))) for name in names}
    return {
        "source_id": choices([ids["structure"], ids["partner"]]),
        "target_id": choices([ids["partner"], ids["structure"]]),
        "status": choices(LINK_STATUSES),
        "level": maybe(choices(range(6))),
        "direction": choices(DIRECTIONS),
        "frequency": maybe(choices(FREQUENCIES)),
        **ratings,
        "resources": some(codes("ressources")),
        "publics": some(codes("publics")),
        "note": maybe(text(2000)),
        "desired_level": maybe(choices(range(6))),
        "feasibility": maybe(choices(FEASIBILITIES)),
        "obstacles": maybe(text(2000)),
        "confirm_no_personal_data": checkbox(),
        "version": version(ids),
    }


LINK_HEADERS = ("source", "cible", "niveau", "statut", "sens", "frequence", "niveau_souhaite",
                "faisabilite", "note", "confiance_fiabilite", "valeur_ressources", "ressources",
                "publics", "obstacles", "commune_source", "commune_cible", "influence_structure",
                "position_structure", "note_structure")  # fmt: skip
LINK_ROWS = [
    ("CCAS d'Orléans", "CAF du Loiret", "3", "existant", "mutuel", "", "", "", "", "2", "4",
     "locaux|financement", "jeunes", "Horaires", "Orléans", "", "", "", ""),
    ("CAF du Loiret", "Restos du cœur", "", "souhaité", "", "", "2", "facile", "à voir", "", "",
     "", "", "", "", "", "", "", ""),
    ("Restos du cœur", "", "", "", "", "", "", "", "", "", "", "", "", "", "Orléans", "", "3",
     "moteur", "'-Présent"),
]  # fmt: skip


def import_link_fields(ids):
    return {
        "csv_text": maybe(csv_text(LINK_HEADERS, LINK_ROWS)),
        "lines": maybe(st.sampled_from(["CCAS d'Orléans → CAF du Loiret, niveau 3", "a -> b"])),
        "step": maybe(st.just("confirmer")),
    }


def import_link_files(ids):
    return {"fichier": maybe(csv_bytes(LINK_HEADERS, LINK_ROWS))}


STRUCTURE_HEADERS = ("nom", "sigle", "typologie", "secteur", "commune", "code_postal",
                     "code_insee", "siret", "site_web", "telephone", "courriel", "description",
                     "publics", "thematiques")  # fmt: skip
STRUCTURE_ROWS = [
    ("Restos du cœur", "", "ASSO", "", "Orléans", "45000", "45234", "", "www.restosducoeur.org",
     "02 38 00 00 00", "accueil@exemple.fr", "Aide alimentaire", "sans-domicile", "alimentation"),
]  # fmt: skip


def structure_fields(ids):
    return {
        "name": text(200),
        "acronym": maybe(text(40)),
        "typology": choices(codes("typologies")),
        "sector": maybe(choices(codes("secteurs"))),
        # real communes too, so that saves happen (allervers.communes checks the place)
        "commune": st.one_of(text(120), st.sampled_from(["Orléans", "briare", "Saint-Denis"])),
        "postal_code": maybe(
            st.one_of(st.from_regex(r"\d{5}", fullmatch=True), st.sampled_from(["45000", "45250"]))
        ),
        "insee_code": maybe(st.from_regex(r"\d{5}|2[AB]\d{3}", fullmatch=True)),
        "commune_choice": maybe(st.sampled_from(["45234", "45053", "2A004", "nope"])),
        "siret": maybe(st.from_regex(r"\d{14}", fullmatch=True)),
        "website": maybe(st.sampled_from(["https://www.caf.fr", "www.ccas-orleans.fr"])),
        "phone": maybe(st.sampled_from(["02 38 00 00 00", "+33 2 38 00 00 00"])),
        "email": maybe(st.sampled_from(["accueil@exemple.fr"])),
        "description": maybe(text(10000)),
        "publics": some(codes("publics")),
        "thematiques": maybe(st.lists(text(80), max_size=5).map(", ".join)),
        "not_duplicate": checkbox(),
        "version": version(ids),
    }


def initiative_fields(ids):
    sections = ("context", "objectives", "conduct", "posture", "success_conditions",
                "difficulties", "lessons")  # fmt: skip
    short = ("communes", "rhythm", "staff", "vehicle", "budget")
    return {
        "title": text(200),
        "summary": maybe(text(2000)),
        "structure_id": choices([ids["structure"]]),
        "status": choices(STATUSES),
        **{name: maybe(text(300)) for name in short},
        "territory_kinds": some(TERRITORY_KINDS),
        "started_on": maybe(dates()),
        "ended_on": maybe(dates()),
        "techniques": some(codes("techniques")),
        "publics": some(codes("publics")),
        "non_take_up": some(codes("non-recours")),
        **{name: maybe(text(10000)) for name in sections},
        "visibility": choices(VISIBILITIES),
        "group_id": maybe(choices([ids["group"], ids["other_group"]])),
        "consent": checkbox(),
        "confirm_no_personal_data": checkbox(),
        "version": version(ids),
    }


def effect_fields(ids):
    return {
        "observed_on": dates(),
        "dimension": choices(DIMENSIONS),
        "indicator_code": maybe(choices(codes("indicateurs"))),
        "indicator_label": maybe(text(200)),
        "value": maybe(st.floats(0, 1e9).map(str)),
        "comment": maybe(text(10000)),
        "confirm_no_personal_data": checkbox(),
        "version": version(ids),
    }


def session_fields(ids):
    return {
        "title": text(300),
        "module": text(300),
        "sectors": text(200),
        "audience": text(2000),
        "duration_days": st.integers(1, 3).map(str),
        "duration_hours": st.integers(1, 21).map(str),
        "registration_deadline": maybe(dates()),
        "partnership": maybe(text(300)),
        "context": maybe(text(10000)),
        "objectives": st.lists(text(100), min_size=1, max_size=4).map("\n".join),
        "prerequisites": maybe(text(5000)),
        "content": maybe(text(20000)),
        "version": version(ids),
    }


def group_fields(ids):
    return {
        "name": text(120),
        "city": maybe(text(120)),
        "place": maybe(text(300)),
        "start_date": maybe(dates()),
        "end_date": maybe(dates()),
        "capacity": maybe(st.integers(1, 200).map(str)),
        "trainer_ids": some([ids["formateur"], ids["formateur_autre"]]),
        "version": version(ids),
    }


def user_fields(ids):
    return {
        "name": text(120),
        "role": choices(ROLES),
        "job_title": maybe(text(120)),
        "structure_id": maybe(choices([ids["structure"], ids["partner"]])),
    }


def new_user_fields(ids):
    return {
        **user_fields(ids),
        "email": st.emails().filter(lambda e: len(e) <= 254),
        "password": st.sampled_from(["un mot de passe solide", "correct horse battery"]),
    }


def structure_choice_fields(ids):
    return {
        "structure_id": maybe(choices([ids["structure"], ids["partner"], -1])),
        "new_structure_name": maybe(text(200)),
        "new_structure_commune": maybe(text(120)),
        "new_structure_postal_code": maybe(st.from_regex(r"\d{5}", fullmatch=True)),
    }


def join_fields(ids):
    return {
        "code": st.sampled_from(["ORLAAA111", "ORL-AAA-111", "TOUBBB222", "NOPE"]),
        "name": text(120),
        "email": st.emails().filter(lambda e: len(e) <= 254),
        "password": st.just("un mot de passe solide"),
        "confirm": st.just("un mot de passe solide"),
        "job_title": maybe(text(120)),
        **structure_choice_fields(ids),
    }


def action_fields(ids):
    return {
        "structure_id": choices([ids["partner"], ids["structure"]]),
        "target_level": choices(range(6)),
        "description": text(300),
        "who": maybe(text(200)),
        "due_on": maybe(dates()),
        "status": choices(ACTION_STATUSES),
        "group_id": maybe(choices([ids["group"], ids["other_group"]])),
        "review_note": maybe(text(5000)),
        "map_id": maybe(choices([ids["map"], ids["other_map"]])),
        "confirm_no_personal_data": checkbox(),
        "version": version(ids),
    }


def note_fields(ids):
    return {
        "text": text(5000),
        "initiative_id": maybe(choices([ids["initiative"], ids["other_initiative"]])),
        "structure_id": maybe(choices([ids["partner"]])),
        "shared_with_trainers": checkbox(),
        "confirm_no_personal_data": checkbox(),
        "version": version(ids),
    }


def statement_fields(ids):
    return {"objective": choices(range(1, 5)), "text": text(300), "version": version(ids)}


def window_fields(ids):
    return {"opens_on": maybe(dates()), "closes_on": maybe(dates()), "version": version(ids)}


def answer_fields(ids):
    ratings = {f"s{sid}": maybe(choices(range(1, 5))) for sid in ids["live_statements"]}
    return {
        **ratings,
        "comment": maybe(text(2000)),
        "confirm_no_personal_data": checkbox(),
        "version": version(ids),
    }


def attendance_fields(ids):
    boxes = [f"present-{ids['stagiaire']}-{day}-{half}"
             for day in (1, 2, 3, 9) for half in ("matin", "apres_midi", "soir")]  # fmt: skip
    return {name: checkbox() for name in boxes}


def technique_fields(ids):
    return {
        "description": maybe(text(5000)),
        "conditions": maybe(text(5000)),
        "vigilance": maybe(text(5000)),
        "version": st.sampled_from(["0", "1", ""]),
    }


def presentation_fields(ids):
    group = choices([ids["group"], ids["other_group"]])
    return {"title": text(200), "group_id": group, "version": version(ids)}


def add_item_fields(ids):
    return {
        "presentation_id": choices([ids["presentation"], ids["other_presentation"]]),
        "initiative_id": choices([ids["initiative"], ids["other_initiative"]]),
        "next": maybe(st.sampled_from(["/initiatives", "//exemple.fr", "https://exemple.fr"])),
    }


def restore_item_query(ids):
    initiative = choices([ids["initiative"], ids["other_initiative"]])
    return {"initiative_id": initiative, "position": maybe(choices([0, 1, 2, 2**31]))}


def draft_fields(ids):
    names = ("title", "summary", "communes", "rhythm", "context", "objectives", "conduct",
             "posture", "success_conditions", "difficulties", "lessons", "staff", "vehicle",
             "budget")  # fmt: skip
    return {name: maybe(text(20000)) for name in names}


def profile_fields(ids):
    return {
        "name": text(120),
        "job_title": maybe(text(120)),
        **structure_choice_fields(ids),
    }


def password_fields(ids):
    return {
        "current": st.just(TEST_PASSWORD),
        "new": st.just("un autre mot de passe"),
        "confirm": st.just("un autre mot de passe"),
    }


def password_meter_fields(ids):
    return {
        "champ": maybe(st.sampled_from(["password", "new", "csrf_token"])),
        "password": text(),
        "new": text(),
        "email": maybe(text()),
        "name": maybe(text()),
    }


def reset_fields(ids):
    return {"new": text(), "confirm": text()}


def code_fields(ids):
    return {"code": text(20)}


def login_fields(ids):
    return {
        "email": st.sampled_from([ids["email"], "personne@exemple.fr"]),
        "password": st.just(TEST_PASSWORD),
        "next": maybe(st.sampled_from(["/cartes", "//exemple.fr", "/\\exemple.fr"])),
    }


def structure_import_files(ids):
    return {"file": csv_bytes(STRUCTURE_HEADERS, STRUCTURE_ROWS)}


def confirm_import_fields(ids):
    """The signed token of a preview: of a file drawn here (signed as the preview page does,
    in the test's app context), of two fixed ones, or an invalid one."""
    signed = csv_text(STRUCTURE_HEADERS, STRUCTURE_ROWS).map(importer.token_for)
    return {"token": st.one_of(signed, st.sampled_from(ids["import_tokens"]))}


def merge_fields(ids):
    return {"absorber": choices([ids["partner"], ids["structure"], ids["deleted_structure"]])}


def positions_fields(ids):
    return {"positions": positions_json([ids["structure"], ids["partner"]])}


def copy_fields(ids):
    return {"group_id": choices([ids["group"], ids["other_group"]])}


def status_fields(ids):
    return {"status": choices(ACTION_STATUSES)}


def notes_fields(ids):
    return {"notes": maybe(text(5000)), "confirm_no_personal_data": checkbox()}


def partner_fields(ids):
    return {
        "structure_id": choices([ids["partner"], ids["merge_kept"]]),
        "role": maybe(text(300)),
        "confirm_no_personal_data": checkbox(),
    }


def snapshot_fields(ids):
    return {"label": text(120)}


def closing_fields(ids):
    return {"label": text(120), "lock": maybe(st.sampled_from(["y", ""])), "next": maybe(text(80))}


def _group_map_pages(ids) -> list[str]:
    base = f"/cartes/{ids['group_map']}"
    return [base, f"{base}/projection", f"{base}/direct", f"{base}/instantanes"]


# ----- every mutating route ------------------------------------------------------------------

OWNER = "stagiaire"  # the trainee who owns the world's map, initiative, action and note
# A refused sign-in, code or confirmation password is counted (rate_counters) and recorded in
# the security log (auth/security_log.py), though it changes nothing else.
REFUSAL_LOGGED = frozenset({"rate_counters", "security_events"})


def _map_page(ids):
    return [f"/cartes/{ids['map']}", f"/cartes/{ids['map']}/analyse"]


def _suggestion_pages(ids):
    base = f"/cartes/{ids['map']}"
    return [f"{base}/analyse", f"{base}/suggestions", f"{base}/suggestions/ecartees"]


SPECS: dict[str, Spec] = {
    # accounts
    # Failed sign-ins and joins are counted (rate_counters) even though they are refused.
    "auth.login": Spec(
        "anonyme", login_fields, changes_on_refusal=REFUSAL_LOGGED, fresh_client=True
    ),
    "auth.logout": Spec(OWNER, fresh_client=True),
    "auth.account": Spec(OWNER, profile_fields, pages=lambda ids: ["/compte", "/annuaire"]),
    # A wrong password on a confirmation form is counted too (same limit as sign-in).
    "auth.change_password": Spec(OWNER, password_fields, changes_on_refusal=REFUSAL_LOGGED),
    "training.join": Spec(
        ("anonyme", "stagiaire_autre"),
        join_fields,
        changes_on_refusal=REFUSAL_LOGGED,
        fresh_client=True,
    ),
    # The strength meter beside new passwords: public (/rejoindre), it changes nothing.
    "auth.password_meter": Spec(("anonyme", OWNER), password_meter_fields),
    # `session_id` is the fuzz world's training session: another person's, or no session.
    "auth.close_session": Spec(OWNER, pages=lambda ids: ["/compte/sessions"]),
    "auth.close_other_sessions": Spec(OWNER, pages=lambda ids: ["/compte/sessions"]),
    "admin.close_user_sessions": Spec("admin"),
    # the second factor (auth/second_factor_views.py); a wrong code is logged like a password
    "auth.begin_second_factor": Spec(OWNER, pages=lambda ids: ["/compte/double-authentification"]),
    "auth.confirm_second_factor": Spec(OWNER, code_fields),
    "auth.change_recovery_codes": Spec(
        OWNER, lambda ids: {"password": text()}, changes_on_refusal=REFUSAL_LOGGED
    ),
    "auth.deactivate_second_factor": Spec(
        OWNER,
        lambda ids: {"password": text(), "code": text(20)},
        changes_on_refusal=REFUSAL_LOGGED,
    ),
    "auth.login_code": Spec(
        "anonyme", code_fields, changes_on_refusal=REFUSAL_LOGGED, fresh_client=True
    ),
    "admin.site_settings": Spec("admin", lambda ids: {"second_factor_required": checkbox()}),
    "admin.remove_second_factor": Spec("admin", lambda ids: {"confirm": checkbox()}),
    # reset links: issued for the trainee, opened by anyone who holds the link
    "auth.issue_reset_link": Spec(("admin", "formateur"), lambda ids: {"next": maybe(text())}),
    "auth.reset_password": Spec(
        "anonyme", reset_fields, changes_on_refusal=REFUSAL_LOGGED, fresh_client=True
    ),
    "admin.create_user": Spec("admin", new_user_fields, pages=lambda ids: ["/admin/utilisateurs"]),
    "admin.edit_user": Spec("admin", user_fields, pages=lambda ids: ["/admin/utilisateurs"]),
    "admin.disable_user": Spec("admin"),
    "admin.enable_user": Spec("admin"),
    "admin.delete_user": Spec(
        "admin", lambda ids: {"password": text()}, changes_on_refusal=REFUSAL_LOGGED
    ),
    "auth.delete_account": Spec(
        OWNER, lambda ids: {"password": text()}, changes_on_refusal=REFUSAL_LOGGED
    ),
    "history.restore": Spec(OWNER, lambda ids: {"next": text()}),
    "history.purge": Spec(OWNER),
    "training.delete_session": Spec("admin"),
    "training.delete_group": Spec("formateur"),
    # sessions and groups
    "training.create_session": Spec("formateur", session_fields),
    "training.edit_session": Spec("admin", session_fields),
    "training.create_group": Spec("formateur", group_fields),
    "training.edit_group": Spec("formateur", group_fields),
    "training.regenerate_code": Spec("formateur"),
    "training.close_code": Spec("formateur"),
    "training.remove_member": Spec("formateur"),
    # directory
    "directory.create_structure": Spec(OWNER, structure_fields, pages=lambda ids: ["/annuaire"]),
    "directory.edit_structure": Spec("admin", structure_fields, pages=lambda ids: ["/annuaire"]),
    "directory.delete_structure": Spec("admin", args={"structure_id": "partner"}),
    "directory.restore_structure": Spec("admin", args={"structure_id": "deleted_structure"}),
    "directory.merge_structure": Spec("admin", merge_fields),
    "directory.undo_merge": Spec("admin"),
    "directory.import_structures": Spec("admin", files=structure_import_files),
    "directory.approve_referent": Spec(("admin", "referent"), pages=lambda ids: ["/compte"]),
    "directory.refuse_referent": Spec(("admin", "referent")),
    "directory.request_referent": Spec("referent", pages=lambda ids: ["/compte"]),
    "directory.withdraw_referent": Spec("referent", pages=lambda ids: ["/compte"]),
    "directory.confirm_import": Spec(
        "admin", confirm_import_fields, pages=lambda ids: ["/annuaire?tri=recent"]
    ),
    # maps
    "maps.create_map": Spec(OWNER, map_fields, pages=lambda ids: ["/cartes"]),
    "maps.edit_map": Spec(OWNER, map_fields, pages=_map_page),
    "maps.delete_map": Spec(OWNER),
    "maps.restore_map": Spec(OWNER, args={"map_id": "deleted_map"}),
    "maps.add_entry": Spec(OWNER, entry_fields, pages=_map_page),
    "maps.edit_entry": Spec(OWNER, entry_fields, pages=_map_page),
    "maps.remove_entry": Spec(OWNER),
    "maps.restore_entry": Spec(OWNER, args={"entry_id": "deleted_entry"}),
    "maps.add_link": Spec(OWNER, link_fields, pages=_map_page),
    "maps.edit_link": Spec(OWNER, link_fields, pages=_map_page),
    "maps.remove_link": Spec(OWNER),
    "maps.restore_link": Spec(OWNER, args={"link_id": "deleted_link"}),
    "maps.import_links": Spec(OWNER, import_link_fields, files=import_link_files, pages=_map_page),
    "maps.copy_to_group": Spec(OWNER, copy_fields),
    # the live workshop: its formateur closes (snapshot, lock) and reopens the group map
    "maps.close_workshop": Spec(
        "formateur", closing_fields, args={"map_id": "group_map"}, pages=_group_map_pages
    ),
    "maps.close_group_workshop": Spec("formateur", closing_fields, pages=_group_map_pages),
    "maps.reopen": Spec("formateur", args={"map_id": "group_map"}, pages=_group_map_pages),
    "analysis.save_positions": Spec(
        OWNER, positions_fields, pages=lambda ids: [f"/cartes/{ids['map']}/graphe.json"]
    ),
    "analysis.snapshots": Spec(OWNER, snapshot_fields),
    # the suggested partners: no form, the structure is in the URL (the map's own partner, which
    # the analysis does not suggest, is still a structure one may set aside or plan to meet).
    "analysis.dismiss": Spec(OWNER, pages=_suggestion_pages),
    "analysis.restore": Spec(OWNER, args={"structure_id": "dismissed_structure"}),
    "analysis.wish_link": Spec(OWNER, args={"structure_id": "partner"}, pages=_suggestion_pages),
    "analysis.plan_action": Spec(
        OWNER, args={"structure_id": "partner"}, pages=lambda ids: ["/plan-d-action"]
    ),
    # initiatives, effects, partners
    "initiatives.create_initiative": Spec(
        OWNER, initiative_fields, pages=lambda ids: ["/initiatives", "/initiatives?q=maraude"]
    ),
    "initiatives.edit_initiative": Spec(
        OWNER, initiative_fields, pages=lambda ids: ["/initiatives", "/techniques"]
    ),
    "initiatives.save_draft": Spec(
        OWNER, draft_fields, pages=lambda ids: [f"/initiatives/{ids['initiative']}/modifier"]
    ),
    "initiatives.delete_initiative": Spec(OWNER),
    "initiatives.restore_initiative": Spec(OWNER, args={"initiative_id": "deleted_initiative"}),
    "initiatives.toggle_reference": Spec("formateur"),
    "initiatives.add_partner": Spec(OWNER, partner_fields),
    "initiatives.remove_partner": Spec(OWNER),
    "initiatives.add_effect": Spec(
        OWNER, effect_fields, pages=lambda ids: ["/techniques/lieux-de-vie"]
    ),
    "initiatives.edit_effect": Spec(OWNER, effect_fields),
    "initiatives.delete_effect": Spec(OWNER),
    "initiatives.restore_effect": Spec(OWNER, args={"effect_id": "deleted_effect"}),
    "initiatives.edit_technique": Spec("formateur", technique_fields),
    # presentations
    "initiatives.create_presentation": Spec("formateur", presentation_fields),
    "initiatives.edit_presentation": Spec("formateur", presentation_fields),
    "initiatives.delete_presentation": Spec("formateur"),
    "initiatives.restore_presentation": Spec(
        "formateur", args={"presentation_id": "deleted_presentation"}
    ),
    "initiatives.add_item": Spec("formateur", add_item_fields),
    "initiatives.move_item_up": Spec("formateur"),
    "initiatives.move_item_down": Spec("formateur"),
    "initiatives.remove_item": Spec("formateur"),
    "initiatives.restore_item": Spec("formateur", query=restore_item_query),
    "initiatives.save_notes": Spec(
        "formateur",
        notes_fields,
        pages=lambda ids: [f"/presentations/{ids['presentation']}/orateur"],
    ),
    # follow-up: action plan, journal, self-assessment, attendance
    "followup.create_action": Spec(OWNER, action_fields, pages=lambda ids: ["/plan-d-action"]),
    "followup.edit_action": Spec(OWNER, action_fields, pages=lambda ids: ["/plan-d-action"]),
    "followup.set_action_status": Spec(OWNER, status_fields),
    "followup.delete_action": Spec(OWNER),
    "followup.restore_action": Spec(OWNER, args={"action_id": "deleted_action"}),
    "followup.create_note": Spec(OWNER, note_fields),
    "followup.edit_note": Spec(OWNER, note_fields),
    "followup.delete_note": Spec(OWNER),
    "followup.restore_note": Spec(OWNER, args={"note_id": "deleted_note"}),
    "followup.edit_statements": Spec("formateur", statement_fields),
    "followup.edit_statement": Spec("formateur", statement_fields),
    "followup.remove_statement": Spec("formateur"),
    "followup.restore_statement": Spec("formateur", args={"statement_id": "deleted_statement"}),
    "followup.move_statement_up": Spec("formateur"),
    "followup.move_statement_down": Spec("formateur"),
    "followup.save_window": Spec(
        "formateur", window_fields, pages=lambda ids: [f"/groupes/{ids['group']}"]
    ),
    "followup.answer": Spec(
        OWNER, answer_fields, pages=lambda ids: [f"/groupes/{ids['group']}/auto-positionnement"]
    ),
    "followup.attendance": Spec(
        "formateur", attendance_fields, pages=lambda ids: [f"/groupes/{ids['group']}/rapport"]
    ),
}

# Mutating routes that are not fuzzed, with the reason. Keep it empty if you can.
EXCLUDED: dict[str, str] = {}
