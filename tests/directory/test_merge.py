"""Merging a duplicate into the structure kept: every reference repointed, and the undo."""

import pytest
from sqlalchemy import select

from allervers.core.timeutil import utcnow
from allervers.directory.models import StructureMerge, StructurePublic
from allervers.extensions import db
from allervers.history.models import HistoryEvent
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry
from tests.helpers import post_form, text, visible_text


def entry(cooperation_map, structure, **fields) -> MapEntry:
    row = MapEntry(map_id=cooperation_map.id, structure_id=structure.id, **fields)
    db.session.add(row)
    return row


def link(cooperation_map, source, target, **fields) -> CooperationLink:
    row = CooperationLink(map_id=cooperation_map.id, status="existant", **fields)
    row.set_pair(source.id, target.id)
    db.session.add(row)
    return row


@pytest.fixture
def duplicate_world(world, make_structure, make_user):
    """The CCAS d'Orléans (kept) and its duplicate, both on maps, with links, users, publics."""
    kept, partner = world["structure"], world["partner"]
    kept.publics = [StructurePublic(public_code="non-recours")]
    dup = make_structure(name="CCAS d’Orleans", commune="ORLÉANS", siret="26450001800014",
                         publics=["non-recours", "jeunes"])  # fmt: skip
    mission = make_structure(name="Mission locale de l'Orléanais", typology="ML")
    gien = make_structure(name="CCAS de Gien", commune="Gien")
    own = world["map"]  # the trainee's map: kept (focal) and the CAF, linked
    other = CooperationMap(title="Carte de Tours", owner_id=world["stagiaire_autre"].id,
                           focal_structure_id=dup.id)  # fmt: skip
    third = CooperationMap(title="Carte ancienne", owner_id=world["stagiaire"].id)
    db.session.add_all([other, third])
    db.session.flush()
    rows = {
        # own map: kept is already there → the duplicate's entry and its CAF link collide
        "own_dup_entry": entry(own, dup, note="noté sur le doublon"),
        "own_mission_entry": entry(own, mission),
        "own_dup_caf": link(own, partner, dup, level=4),
        "own_dup_mission": link(own, dup, mission, level=1),
        "own_kept_dup": link(own, kept, dup, level=3),  # between the two: nothing left to link
        # other map: only the duplicate is there → everything moves
        "other_dup_entry": entry(other, dup, influence=5),
        "other_gien_entry": entry(other, gien),
        "other_dup_gien": link(other, gien, dup, level=2),
        # third map: kept's entry was removed, the duplicate's is live → kept's comes back
        "third_kept_entry": entry(third, kept, deleted_at=utcnow()),
        "third_dup_entry": entry(third, dup),
    }
    worker = make_user("stagiaire", structure_id=dup.id, name="Agent du doublon")
    db.session.commit()
    return {"kept": kept, "dup": dup, "partner": partner, "mission": mission, "gien": gien,
            "link": world["link"], "own": own, "other": other, "third": third,
            "worker": worker, **rows}  # fmt: skip


def snapshot(w) -> dict:
    """Every reference the merge may touch, as plain values."""
    db.session.expire_all()
    entries = db.session.scalars(select(MapEntry).order_by(MapEntry.id))
    links = db.session.scalars(select(CooperationLink).order_by(CooperationLink.id))
    return {
        "entries": [(e.id, e.map_id, e.structure_id, e.is_deleted) for e in entries],
        "links": [
            (lk.id, lk.source_id, lk.target_id, lk.pair_low_id, lk.pair_high_id, lk.is_deleted)
            for lk in links
        ],
        "worker": w["worker"].structure_id,
        "focal": (w["own"].focal_structure_id, w["other"].focal_structure_id),
        "publics": (w["kept"].public_codes, w["dup"].public_codes),
        "dup": (w["dup"].is_deleted, w["dup"].merged_into_id),
    }


def merge(client, w):
    path = f"/annuaire/{w['kept'].id}/fusionner"
    return post_form(client, path, {"absorber": str(w["dup"].id)}, token_from="/")


def test_chooser_offers_the_probable_duplicate_and_a_search(client_as, duplicate_world):
    w, client = duplicate_world, client_as("formateur")
    page = text(client.get(f"/annuaire/{w['kept'].id}"))
    assert f'href="/annuaire/{w["kept"].id}/fusionner">Fusionner avec…' in page
    chooser = visible_text(client.get(f"/annuaire/{w['kept'].id}/fusionner"))
    assert "Doublons probables" in chooser
    assert "CCAS d’Orleans" in chooser
    assert "Gien" not in chooser
    found = text(client.get(f"/annuaire/{w['kept'].id}/fusionner?q=gien"))
    assert "CCAS de Gien" in found
    assert f"absorber={w['gien'].id}" in found
    assert f"absorber={w['kept'].id}" not in found  # never itself


def test_confirm_page_shows_what_will_move_and_changes_nothing(client_as, duplicate_world):
    w = duplicate_world
    before = snapshot(w)
    path = f"/annuaire/{w['kept'].id}/fusionner?absorber={w['dup'].id}"
    page = visible_text(client_as("admin").get(path))
    assert "« CCAS d’Orleans » (ORLÉANS) sera fusionnée dans « CCAS d'Orléans »" in page
    assert "Comptes de professionnels : 1 (Agent du doublon)" in page
    assert "Présences sur des cartes : 1 transférée ; 2 mises de côté" in page
    assert "Liens de coopération : 2 transférés ; 2 mis de côté" in page
    assert "Cartes dont elle est la structure focale : 1" in page
    assert "Publics ajoutés : Jeunes de 16 à 25 ans" in page
    assert "SIRET — 26450001800014" in page
    assert snapshot(w) == before


def test_merge_repoints_every_reference_and_loses_nothing(client_as, duplicate_world):
    w = duplicate_world
    kept, dup = w["kept"], w["dup"]
    response = merge(client_as("formateur"), w)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/annuaire/{kept.id}#fusion-")
    db.session.expire_all()
    # users, focal structure, publics
    assert w["worker"].structure_id == kept.id
    assert w["other"].focal_structure_id == kept.id
    assert kept.public_codes == ["jeunes", "non-recours"]
    # entries: moved where kept was absent; set aside where kept was present; kept's revived
    assert (w["other_dup_entry"].structure_id, w["other_dup_entry"].is_deleted) == (kept.id, False)
    assert w["other_dup_entry"].influence == 5
    assert (w["own_dup_entry"].structure_id, w["own_dup_entry"].is_deleted) == (dup.id, True)
    assert (w["third_dup_entry"].structure_id, w["third_dup_entry"].is_deleted) == (dup.id, True)
    assert not w["third_kept_entry"].is_deleted
    # links: moved with their pair recomputed; the duplicate pair and the self-link set aside
    moved = w["other_dup_gien"]
    assert (moved.source_id, moved.target_id) == (w["gien"].id, kept.id)
    assert (moved.pair_low_id, moved.pair_high_id) == tuple(sorted((w["gien"].id, kept.id)))
    assert not moved.is_deleted
    assert (w["own_dup_mission"].source_id, w["own_dup_mission"].is_deleted) == (kept.id, False)
    assert w["own_dup_caf"].is_deleted
    assert not w["link"].is_deleted  # kept's own CAF link wins
    assert w["own_kept_dup"].is_deleted
    # the duplicate: out of the directory, pointing at the kept one
    assert dup.is_deleted
    assert dup.merged_into_id == kept.id
    record = db.session.scalar(select(StructureMerge))
    assert record.merged_by_id is not None
    assert record.repointed["users.structure_id"]["moved"] == [w["worker"].id]
    assert record.repointed["map_entries.structure_id"]["set_aside"] == [
        w["own_dup_entry"].id, w["third_dup_entry"].id,
    ]  # fmt: skip
    assert record.repointed["structure_publics"] == {"added": ["jeunes"]}
    # every live entry and link of every map still has its place: no dangling reference to dup
    live_entries = db.session.scalars(select(MapEntry).where(MapEntry.deleted_at.is_(None)))
    assert dup.id not in {e.structure_id for e in live_entries}
    live_links = db.session.scalars(
        select(CooperationLink).where(CooperationLink.deleted_at.is_(None))
    )
    assert all(dup.id not in (lk.source_id, lk.target_id) for lk in live_links)


def test_merged_structure_leaves_the_directory(client_as, duplicate_world):
    w = duplicate_world
    client = client_as("formateur")
    response = merge(client, w)
    assert "a été fusionnée dans" in text(client.get(response.headers["Location"]))
    assert "CCAS d’Orleans" not in visible_text(client.get("/annuaire?q=orleans"))
    assert client_as("stagiaire").get(f"/annuaire/{w['dup'].id}").status_code == 404
    page = visible_text(client.get(f"/annuaire/{w['dup'].id}"))
    assert "Cette structure a été fusionnée dans une autre fiche" in page
    assert "Annuler la fusion" in page
    kept_html = text(client.get(f"/annuaire/{w['kept'].id}"))
    kept_page = visible_text(client.get(f"/annuaire/{w['kept'].id}"))
    assert "« CCAS d’Orleans » (ORLÉANS) fusionnée ici le" in kept_page
    assert 'aria-label="Annuler la fusion de « CCAS d’Orleans »"' in kept_html
    assert "Agent du doublon" in kept_page
    # its SIRET still belongs to it: the message points at the structure kept
    restore = post_form(client, f"/annuaire/{w['dup'].id}/restaurer", token_from="/")
    assert "annulez la fusion pour la retrouver" in text(client.get(restore.headers["Location"]))


def test_undo_restores_everything(client_as, duplicate_world):
    w = duplicate_world
    before = snapshot(w)
    client = client_as("admin")
    merge(client, w)
    assert snapshot(w) != before
    record = db.session.scalar(select(StructureMerge))
    response = post_form(client, f"/annuaire/fusions/{record.id}/annuler", token_from="/")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/annuaire/{w['dup'].id}"
    assert snapshot(w) == before
    db.session.refresh(record)
    assert record.undone_at is not None
    page = text(client.get(response.headers["Location"]))
    assert "La fusion est annulée" in page
    again = post_form(client, f"/annuaire/fusions/{record.id}/annuler", token_from="/")
    assert "Cette fusion a déjà été annulée." in text(client.get(again.headers["Location"]))
    assert snapshot(w) == before


def test_undo_waits_for_a_later_merge_of_the_kept_one(client_as, duplicate_world, make_structure):
    w = duplicate_world
    client = client_as("admin")
    merge(client, w)
    first = db.session.scalar(select(StructureMerge))
    bigger = make_structure(name="CCAS d'Orléans Métropole")
    path = f"/annuaire/{bigger.id}/fusionner"
    post_form(client, path, {"absorber": str(w["kept"].id)}, token_from="/")
    response = post_form(client, f"/annuaire/fusions/{first.id}/annuler", token_from="/")
    assert "annulez d'abord cette fusion-là" in text(client.get(response.headers["Location"]))
    db.session.refresh(first)
    assert first.undone_at is None


@pytest.mark.parametrize("role", ["stagiaire", "stagiaire_autre", "referent"])
def test_only_formateurs_and_admins_merge_and_undo(client_as, duplicate_world, role):
    w = duplicate_world
    before = snapshot(w)
    client = client_as(role)
    assert client.get(f"/annuaire/{w['kept'].id}/fusionner").status_code == 404
    assert "Fusionner avec" not in text(client.get(f"/annuaire/{w['kept'].id}"))
    assert merge(client, w).status_code == 404
    assert snapshot(w) == before
    merge(client_as("formateur"), w)
    record = db.session.scalar(select(StructureMerge))
    path = f"/annuaire/fusions/{record.id}/annuler"
    assert post_form(client, path, token_from="/").status_code == 404
    db.session.refresh(record)
    assert record.undone_at is None


def test_merge_without_a_valid_duplicate_shows_the_chooser_again(client_as, duplicate_world):
    w = duplicate_world
    path = f"/annuaire/{w['kept'].id}/fusionner"
    response = post_form(client_as("admin"), path, {"absorber": str(w["kept"].id)}, token_from="/")
    assert response.status_code == 422
    assert "Doublons probables" in text(response)
    assert db.session.scalar(select(StructureMerge)) is None


def test_merge_pages_as_fragments(client_as, duplicate_world):
    w = duplicate_world
    path = f"/annuaire/{w['kept'].id}/fusionner?absorber={w['dup'].id}"
    response = client_as("admin").get(path, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert "Confirmer la fusion" in text(response)


def test_merge_and_its_undo_are_in_both_structures_history(client_as, duplicate_world):
    w, client = duplicate_world, client_as("formateur")
    kept, dup = w["kept"], w["dup"]

    def history(structure) -> list[tuple]:
        query = (
            select(HistoryEvent)
            .where(HistoryEvent.kind == "structure", HistoryEvent.record_id == structure.id)
            .order_by(HistoryEvent.id)
        )
        return [(e.action, e.actor_id, e.changes) for e in db.session.scalars(query)]

    merge(client, w)
    record = db.session.scalar(select(StructureMerge))
    post_form(client, f"/annuaire/fusions/{record.id}/annuler", token_from="/")
    trainer = record.merged_by_id
    merged_name, kept_name = f"CCAS d’Orleans (n° {dup.id})", f"CCAS d'Orléans (n° {kept.id})"
    assert history(dup)[-2:] == [
        ("merge", trainer, {"merged_into": [None, kept_name]}),
        ("unmerge", trainer, {"merged_into": [kept_name, None]}),
    ]
    kept_events = history(kept)
    assert ("merge", trainer, {"absorbed": [None, merged_name]}) in kept_events
    assert ("unmerge", trainer, {"absorbed": [merged_name, None]}) in kept_events
    # the publics the merge added, then took back
    assert ("update", trainer, {"publics": [["non-recours"], ["jeunes", "non-recours"]]}) in (
        kept_events
    )
    page = visible_text(client.get(f"/historique/structure/{kept.id}"))
    assert "Fusion annulée" in page
    assert f"Structure absorbée {merged_name} —" in page
    # what the merge did to a map is in the map's history: the duplicate's entry set aside
    page = visible_text(client.get(f"/historique/carte/{w['own'].id}"))
    assert "Suppression · Structure d'une carte : CCAS d’Orleans" in page
    assert "Restauration · Structure d'une carte : CCAS d’Orleans" in page
