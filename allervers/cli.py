"""Command-line tools: `flask --app wsgi create-user …`, `flask --app wsgi demo`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from allervers.auth import services as accounts
from allervers.auth.models import ROLES
from allervers.auth.passwords import password_problem
from allervers.communes.cli import group as communes_group
from allervers.core.plural import plural


@click.command("create-user")
@click.option("--email", required=True, help="Adresse e-mail (identifiant de connexion).")
@click.option("--password", required=True, help="Mot de passe (au moins 12 caractères).")
@click.option("--role", required=True, type=click.Choice(list(ROLES)), help="Rôle du compte.")
@click.option("--name", default=None, help="Prénom et nom (par défaut : l'adresse e-mail).")
@with_appcontext
def create_user_command(email: str, password: str, role: str, name: str | None) -> None:
    """Create an account."""
    problem = password_problem(password, user_inputs=(email, name))
    if problem:
        raise click.ClickException(problem)
    try:
        user = accounts.create_user(email, password, role, name or email.split("@")[0])
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Compte créé : {user.email} ({user.role_label}).")


@click.command("remove-second-factor")
@click.option("--email", required=True, help="Adresse e-mail du compte.")
@with_appcontext
def remove_second_factor_command(email: str) -> None:
    """Remove an account's second factor (the last administrator who lost their phone)."""
    from allervers.auth import second_factor, security_log

    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Aucun compte avec l'adresse {email}.")
    if not second_factor.remove(user):
        raise click.ClickException(f"{user.email} n'a pas de double authentification.")
    security_log.record_now("second_factor_reset", user=user, detail="En ligne de commande")
    click.echo(f"Double authentification retirée : {user.email} se connecte avec son mot de passe.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Ne charger que si la base ne contient rien.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    from allervers.demo.loader import database_is_empty, load_demo, login_lines

    if if_empty and not database_is_empty():
        click.echo("La base contient déjà des données : démonstration non rechargée.")
    else:
        summary = load_demo()
        click.echo(
            f"Démonstration chargée : {plural(summary.structures, 'structure')}, "
            f"{plural(summary.users, 'compte')}, {plural(summary.groups, 'groupe')}."
        )
    for line in login_lines():
        click.echo(line)


@click.command("import-map")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--owner", required=True, help="Adresse e-mail du propriétaire de la carte.")
@click.option("--title", required=True, help="Titre de la carte.")
@click.option(
    "--creer-absentes",
    "create_missing",
    is_flag=True,
    help="Créer dans l'annuaire les structures qu'il n'a pas (ou pas à coup sûr).",
)
@with_appcontext
def import_map_command(file: str, owner: str, title: str, create_missing: bool) -> None:
    """Create a map from a CSV of links; the last line printed is the map's path.

    A name the directory does not have for sure is refused, listed with its close structures,
    unless --creer-absentes; the owner's structure is the map's centre only when a link has it.
    """
    from allervers.maps import importer
    from allervers.maps import services as maps

    user = accounts.find_user_by_email(owner)
    if user is None:
        raise click.ClickException(f"Aucun compte pour {owner}.")
    plan = importer.parse(importer.decode(Path(file).read_bytes()))
    if not plan.is_valid:
        raise click.ClickException("\n".join(["Import refusé :", *plan.errors]))
    unsure = _unsure_names(plan)
    if unsure and not create_missing:
        raise click.ClickException(
            "\n".join(
                [
                    "Import refusé : ces structures ne sont pas dans l'annuaire à coup sûr.",
                    *unsure,
                    "Écrivez dans le fichier le nom exact de la structure de l'annuaire, ou "
                    "relancez avec --creer-absentes pour les créer.",
                ]
            )
        )
    importer.choose(plan, {importer.choice_field(n): importer.CREATE for n in plan.pending}, True)
    if not plan.is_valid:  # two names chosen as one structure
        raise click.ClickException("\n".join(["Import refusé :", *plan.errors]))
    ends = {s.id for s in plan.matched.values()}
    focal = user.structure_id if user.structure_id in ends else None
    cooperation_map = maps.create_map(user, title, None, focal)
    created, links = importer.apply(plan, cooperation_map, user)
    for line in unsure:
        click.echo(f"Créée dans l'annuaire : {line}")
    click.echo(
        f"{plural(links, 'lien importé', 'liens importés')}, "
        f"{plural(created, 'structure créée', 'structures créées')} dans l'annuaire."
    )
    click.echo(_centre_line(user, focal))
    click.echo(f"/cartes/{cooperation_map.id}")


def _unsure_names(plan) -> list[str]:
    """« X » (absente) or « X » (proche de : A — Orléans ; B — Tours), one line per name."""
    lines = [f"« {name} » (absente de l'annuaire)" for name in sorted(plan.to_create)]
    for name, found in sorted(plan.pending.items()):
        close = " ; ".join(
            f"{c.structure.name} — {c.structure.place or 'commune non précisée'}"
            for c in found.candidates
        )
        lines.append(f"« {name} » (proche de : {close})")
    return lines


def _centre_line(user, focal: int | None) -> str:
    if focal:
        return f"Structure centrale de la carte : « {user.structure.name} »."
    if user.structure_id:
        return (
            f"La carte n'a pas de structure centrale : « {user.structure.name} », structure de "
            f"{user.email}, ne figure dans aucun lien importé ; rien n'a été ajouté pour elle."
        )
    return "La carte n'a pas de structure centrale."


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Back up the database to PATH (by default instance/backups/allervers-<date>.db|.dump)."""
    from allervers.core import backup

    try:
        written = backup.backup(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Sauvegarde écrite : {written} ({backup.megabytes(written.stat().st_size)}).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Remplacer la base sans autre confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup at PATH (refused without --yes)."""
    from allervers.core import backup

    try:
        for line in backup.describe_restore(path):
            click.echo(line)
        if not yes:
            raise click.ClickException("Rien n'a été modifié : relancez avec --yes pour restaurer.")
        backup.restore(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Base restaurée depuis {path}. Si la sauvegarde est plus ancienne que le code, "
        "appliquez ensuite les migrations : flask --app wsgi db upgrade"
    )


@click.command("purge-security-log")
@with_appcontext
def purge_security_log_command() -> None:
    """Delete the security log's entries older than SECURITY_LOG_RETENTION_DAYS."""
    from allervers.auth import security_log

    removed = security_log.purge()
    days = current_app.config["SECURITY_LOG_RETENTION_DAYS"]
    gone = "supprimées" if removed > 1 else "supprimée"
    click.echo(f"Journal de sécurité : {plural(removed, 'entrée')} de plus de {days} jours {gone}.")


commands = [
    communes_group,
    create_user_command,
    remove_second_factor_command,
    demo_command,
    import_map_command,
    backup_command,
    restore_command,
    purge_security_log_command,
]
