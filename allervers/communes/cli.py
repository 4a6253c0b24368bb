"""`flask --app wsgi communes completer`: the INSEE code of directory records saved without it."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from allervers import communes
from allervers.core.plural import plural
from allervers.directory.models import Structure
from allervers.extensions import db

group = AppGroup("communes", help="La liste officielle des communes (INSEE, codes postaux, EPCI).")


@group.command("completer")
@click.option("--dry-run", is_flag=True, help="Compter sans rien enregistrer.")
def complete_command(dry_run: bool) -> None:
    """Fill the INSEE code (and the département) of structures that lack it, when the official
    list resolves their commune and postal code; list those it could not resolve."""
    missing = db.session.scalars(
        select(Structure).where(Structure.insee_code.is_(None)).order_by(Structure.id)
    ).all()
    unresolved = []
    for structure in missing:
        found = communes.resolve(structure.commune, structure.postal_code)
        if found is None:
            unresolved.append(structure)
        elif not dry_run:
            structure.insee_code = found.insee
            structure.refresh_derived()
    if not dry_run:
        db.session.commit()
    done = len(missing) - len(unresolved)
    if dry_run:
        click.echo(f"{plural(done, 'structure')} à compléter avec leur code INSEE.")
    else:
        completed = plural(done, "structure complétée", "structures complétées")
        click.echo(f"{completed} avec leur code INSEE.")
    if unresolved:
        click.echo(f"{plural(len(unresolved), 'structure')} sans commune reconnue :")
        for structure in unresolved:
            place = structure.place or "commune non précisée"
            click.echo(f"  n° {structure.id} {structure.name} — {place}")
