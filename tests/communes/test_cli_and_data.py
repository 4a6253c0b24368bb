"""The INSEE codes of existing records (CLI), of the demo and of the bench data set."""

from collections import Counter

from sqlalchemy import select, update

from allervers import communes
from allervers.demo.loader import load_demo
from allervers.directory.models import Structure
from allervers.extensions import db
from tests.bench import data as bench


def test_completer_fills_missing_insee_codes_and_lists_the_rest(app, make_structure):
    gien = make_structure(name="CCAS de Gien", commune="Gien", postal_code="45500")
    joue = make_structure(name="Mission locale", commune=None, postal_code="37300")
    lost = make_structure(name="Atlantis", commune="Atlantide", postal_code="45999")
    db.session.commit()
    ids = [gien.id, joue.id, lost.id]
    # records saved before the list existed: no INSEE code, a département from the postal code
    db.session.execute(update(Structure).where(Structure.id.in_(ids)).values(insee_code=None))
    db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["communes", "completer", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 structures à compléter avec leur code INSEE." in dry.output
    assert db.session.get(Structure, gien.id).insee_code is None
    result = runner.invoke(args=["communes", "completer"])
    assert result.exit_code == 0, result.output
    assert "2 structures complétées avec leur code INSEE." in result.output
    assert "1 structure sans commune reconnue :" in result.output
    assert f"n° {lost.id} Atlantis — Atlantide (45999)" in result.output
    db.session.expire_all()
    assert db.session.get(Structure, gien.id).insee_code == "45155"
    assert (db.session.get(Structure, joue.id).insee_code, joue.departement) == ("37122", "37")
    again = runner.invoke(args=["communes", "completer"])
    assert "0 structure complétée" in again.output


def test_every_demo_structure_has_its_insee_code(app):
    load_demo()
    structures = db.session.scalars(select(Structure)).all()
    assert len(structures) >= 20
    missing = [s.name for s in structures if not s.insee_code]
    assert not missing
    for structure in structures:
        commune = communes.lookup(structure.insee_code)
        assert commune.serves(structure.postal_code) or not structure.postal_code, structure.name
        assert structure.departement == commune.departement in ("45", "37")
    # a demo loaded before the list existed is completed when it is loaded again
    db.session.execute(update(Structure).values(insee_code=None))
    db.session.commit()
    load_demo()
    db.session.expire_all()
    assert all(s.insee_code for s in db.session.scalars(select(Structure)))


def test_bench_structures_are_in_real_communes_of_the_departement(app, monkeypatch):
    monkeypatch.setitem(bench.SIZES, "structures", 400)
    ids, by_commune = bench.make_structures(bench.random.Random(bench.SEED))
    structures = db.session.scalars(select(Structure).where(Structure.id.in_(ids))).all()
    assert len(structures) == 400
    places = [communes.lookup(s.insee_code) for s in structures]
    assert all(place and place.departement == "45" for place in places)
    assert all(p.serves(s.postal_code) for p, s in zip(places, structures, strict=True))
    assert all(s.departement == "45" for s in structures)
    by_epci = Counter(place.epci for place in places)
    # like the real département: Orléans Métropole first, then the Montargis agglomeration,
    # and rural intercommunalités have a share
    assert by_epci.most_common(1)[0][0] == "244500468"
    assert 0.3 < by_epci["244500468"] / 400 < 0.6
    assert len(by_epci) >= 12
    for city in bench.GROUP_CITIES:
        assert by_commune.get(city), city  # the groups' towns have structures for the maps
