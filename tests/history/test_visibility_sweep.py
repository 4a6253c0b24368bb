"""Class sweep: for every recorded kind, change what decides who sees the record, then read its
history as each of the 7 roles. An entry's values are read only by those who could see the
record when the entry was made (allervers/history/visibility.py).

Each scenario writes distinct markers at each phase and says which markers each role reads
(None: the history answers 404). A new recorded kind without a scenario fails here.
"""

import pytest

from allervers.directory import services as directory
from allervers.extensions import db
from allervers.history import visibility
from allervers.history.kinds import kinds
from allervers.maps import services as maps
from allervers.training import services as training
from tests.helpers import fragment, visible_text
from tests.test_pages import ROLES


def save(record, **fields):
    for name, value in fields.items():
        setattr(record, name, value)
    db.session.commit()


def _initiative(w, make_initiative, _make_effect):
    initiative = make_initiative(summary="MARK-privee")  # its author: the world's trainee
    save(initiative, visibility="groupe", group_id=w["group"].id, summary="MARK-groupe")
    save(initiative, visibility="base", summary="MARK-base")
    return f"/historique/initiative/{initiative.id}"


def _effect(w, make_initiative, make_effect):
    initiative = make_initiative()
    effect = make_effect(initiative, comment="MARK-privee")
    save(initiative, visibility="groupe", group_id=w["group"].id)
    save(effect, comment="MARK-groupe")
    save(initiative, visibility="base")
    save(effect, comment="MARK-base")
    return f"/historique/effet/{effect.id}"


# The initiative and its effects: private to the author, then the group's, then everyone's.
SHARED_IN_STEPS = {
    "stagiaire": {"privee", "groupe", "base"},
    "stagiaire_autre": {"base"},
    "referent": {"base"},
    "formateur": {"groupe", "base"},
    "formateur_autre": {"base"},
    "admin": {"groupe", "base"},
}


def _handed_over_map(w):
    """A personal map of the other group's trainee, then handed over to the world's group."""
    own = maps.create_map(w["stagiaire_autre"], "Carte passée", "MARK-perso", w["structure"].id)
    entry = maps.add_entry(own, w["partner"], {"influence": 3, "note": "MARK-perso"})
    link, _created = maps.save_link(
        own, w["structure"].id, w["partner"].id, {"level": 2, "note": "MARK-perso"}
    )
    save(own, owner_id=None, group_id=w["group"].id, territory="MARK-groupe")
    save(entry, note="MARK-groupe")
    save(link, note="MARK-groupe")
    return own, entry, link


def _map(w, *_fixtures):
    return f"/historique/carte/{_handed_over_map(w)[0].id}"


def _entry(w, *_fixtures):
    return f"/historique/structure-de-carte/{_handed_over_map(w)[1].id}"


def _link(w, *_fixtures):
    return f"/historique/lien/{_handed_over_map(w)[2].id}"


# Before: the owner, the formateur of her group, admins. After: the group's members, admins.
HANDED_OVER = {
    "stagiaire": {"groupe"},
    "stagiaire_autre": None,  # no longer a reader of the map
    "referent": None,
    "formateur": {"groupe"},
    "formateur_autre": None,
    "admin": {"perso", "groupe"},
}


def _structure(w, *_fixtures):
    structure = w["partner"]
    save(structure, description="MARK-avant")
    directory.delete_structure(structure)
    directory.restore_structure(structure)
    save(structure, description="MARK-apres")
    return f"/historique/structure/{structure.id}"


def _session(w, *_fixtures):
    session = w["session"]
    save(session, module="MARK-avant")
    training.delete_session(session)
    training.restore_session(session)
    save(session, module="MARK-apres")
    return f"/historique/session/{session.id}"


def _group(w, *_fixtures):
    group = w["group"]
    save(group, city="MARK-avant")
    training.delete_group(group)
    training.restore_group(group)
    save(group, city="MARK-apres")
    return f"/historique/groupe/{group.id}"


BOTH = {"avant", "apres"}
SIGNED_IN = ROLES[1:]
SCENARIOS = {
    "initiative": (_initiative, SHARED_IN_STEPS),
    "effect": (_effect, SHARED_IN_STEPS),
    "map": (_map, HANDED_OVER),
    "entry": (_entry, HANDED_OVER),
    "link": (_link, HANDED_OVER),
    # Their readers do not depend on what they record: deleted then restored, read whole.
    "structure": (_structure, dict.fromkeys(SIGNED_IN, BOTH)),
    "session": (_session, {**dict.fromkeys(SIGNED_IN, BOTH), "referent": None}),
    "group": (
        _group,
        {**dict.fromkeys(SIGNED_IN, BOTH), "referent": None, "stagiaire_autre": None},
    ),
}


def test_every_recorded_kind_declares_its_visibility_and_has_a_scenario(app):
    assert visibility.undeclared() == set()
    assert set(SCENARIOS) == set(kinds())


def markers(response) -> set[str]:
    page = visible_text(response)
    return {word for word in ("privee", "groupe", "base", "perso", "avant", "apres")
            if f"MARK-{word}" in page}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_each_role_reads_only_what_it_could_see_then(
    client_as, world, make_initiative, make_effect, kind
):
    scenario, expected = SCENARIOS[kind]
    path = scenario(world, make_initiative, make_effect)
    anonymous = client_as("anonyme").get(path)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/connexion")
    for role in SIGNED_IN:
        client = client_as(role)
        for response in (client.get(path), fragment(client, path)):
            if expected[role] is None:
                assert response.status_code == 404, role
            else:
                assert response.status_code == 200, role
                assert markers(response) == expected[role], role
