"""Demo initiatives: eight aller-vers experiences of both groups' structures, in every status
and visibility, with effects along the three dimensions; one case presentation per group."""

from datetime import date

from sqlalchemy import select

from allervers.auth.models import User
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.initiatives import services
from allervers.initiatives.models import Initiative, Presentation, PresentationItem
from allervers.training.models import Group

# (author e-mail, carrying structure, partners (name, role), fields, effects)
INITIATIVES = [
    (
        "stagiaire.ccas@demo.allervers.fr",
        "CCAS d'Orléans",
        [
            (
                "Caisse d'allocations familiales du Loiret",
                "tient la table avec nous un samedi sur deux",
            ),
            ("Épicerie solidaire de Briare", "oriente les personnes et prête son stand"),
        ],
        {
            "title": "Une table au marché de La Source, chaque samedi",
            "summary": "Deux travailleuses sociales du CCAS tiennent une table au marché du "
            "samedi matin : on vient y poser une question, sans rendez-vous ni dossier.",
            "status": "en_cours",
            "visibility": "base",
            "communes": "Orléans – La Source",
            "territory_kinds": ["urbain", "qpv"],
            "started_on": date(2025, 9, 6),
            "rhythm": "chaque samedi, de 9 h à 12 h",
            "staff": "2 travailleuses sociales (ASS et CESF)",
            "vehicle": "un barnum, une table, des dépliants",
            "techniques": ["lieux-de-vie", "permanence-delocalisee", "binome"],
            "publics": ["personnes-agees", "familles-monoparentales", "qpv"],
            "non_take_up": ["non-connaissance", "non-demande"],
            "context": "Le quartier compte peu de demandes au CCAS alors que les indicateurs de "
            "précarité y sont élevés. Le marché est l'endroit où tout le monde passe.",
            "objectives": "Être visibles, répondre aux questions simples sur place, orienter.",
            "conduct": "Installation à 8 h 45 ; une affiche « Une question sur vos droits ? » ; "
            "pas de fichier, une fiche d'orientation anonyme.",
            "posture": "Aller vers sans rien imposer : on salue, on attend qu'on vienne.",
            "success_conditions": "La régularité : les commerçants nous identifient et envoient "
            "des personnes.",
            "difficulties": "L'hiver, la fréquentation baisse ; le temps de trajet est à compter.",
            "lessons": "La confiance vient de la régularité plus que de la communication.",
            "consent": True,
        },
        [
            ("2025-10-04", "personnes", "rencontrees", 11, "Surtout des personnes âgées."),
            ("2025-12-06", "personnes", "rencontrees", 17, None),
            (
                "2026-02-07",
                "personnes",
                "rencontrees",
                24,
                "Les commerçants nous envoient du monde.",
            ),
            ("2026-02-07", "personnes", "droits-ouverts", 5, "Complémentaire santé solidaire."),
            ("2026-01-15", "pratiques", "binomes", 1, "Binôme CCAS–CAF un samedi sur deux."),
            ("2026-03-01", "organisations", "partenariats", 2, "Convention avec la CAF en cours."),
        ],
    ),
    (
        "stagiaire.mds@demo.allervers.fr",
        "Maison du Département de Montargis",
        [("Espace public numérique de Montargis", "accueille la permanence numérique")],
        {
            "title": "Permanence délocalisée à l'espace numérique de Montargis",
            "summary": "Une demi-journée par semaine, une assistante sociale reçoit à l'espace "
            "public numérique, là où les personnes viennent pour leurs démarches en ligne.",
            "status": "en_cours",
            "visibility": "groupe",
            "communes": "Montargis",
            "territory_kinds": ["urbain"],
            "started_on": date(2026, 1, 12),
            "rhythm": "le lundi après-midi",
            "techniques": ["permanence-delocalisee", "numerique"],
            "publics": ["eloignes-numerique", "travailleurs-precaires"],
            "non_take_up": ["non-reception"],
            "context": "Des démarches abandonnées en cours de route faute d'aide numérique.",
            "success_conditions": "Un lieu où les personnes viennent déjà ; un créneau fixe, "
            "affiché à l'accueil ; le conseiller numérique qui présente l'assistante sociale "
            "de vive voix plutôt qu'une affiche.",
            "difficulties": "Pas de bureau fermé au début : parler de sa situation à côté des "
            "postes en libre accès gênait. Une petite salle a été prêtée au bout d'un mois.",
            "lessons": "Le conseiller numérique repère, l'assistante sociale accompagne.",
        },
        [
            ("2026-02-09", "personnes", "accompagnements", 9, None),
            ("2026-03-09", "pratiques", "outils", 1, "Une fiche de liaison commune."),
        ],
    ),
    (
        "stagiaire.caf@demo.allervers.fr",
        "Caisse d'allocations familiales du Loiret",
        [("CCAS d'Orléans", "repère les familles et relaie les invitations")],
        {
            "title": "Rendez-vous des droits proposés par téléphone aux familles monoparentales",
            "summary": "Les familles repérées par les données sont appelées pour un rendez-vous "
            "des droits, plutôt que d'attendre qu'elles écrivent.",
            "status": "terminee",
            "visibility": "base",
            "communes": "Loiret",
            "territory_kinds": ["urbain", "rural"],
            "started_on": date(2025, 3, 1),
            "ended_on": date(2025, 12, 31),
            "techniques": ["contact-proactif"],
            "publics": ["familles-monoparentales"],
            "non_take_up": ["non-connaissance", "non-proposition"],
            "success_conditions": "Un courrier qui annonce l'appel quelques jours avant ; des "
            "appels en fin d'après-midi et le samedi matin ; des conseillers formés à "
            "l'écoute, qui proposent sans insister.",
            "difficulties": "Des numéros de téléphone périmés : près d'une famille sur trois "
            "n'a pas pu être jointe. Au premier appel, certaines ont craint un contrôle.",
            "lessons": "Un appel bienveillant, annoncé, est rarement vécu comme un contrôle.",
            "consent": True,
        },
        [
            ("2025-06-30", "personnes", "premiers-contacts", 42, None),
            ("2025-12-31", "personnes", "droits-ouverts", 31, "Prime d'activité surtout."),
            ("2025-12-31", "organisations", "organisation", None, "Une file d'appels dédiée."),
        ],
    ),
    (
        "stagiaire.ccas@demo.allervers.fr",
        "CCAS d'Orléans",
        [],
        {
            "title": "Visites à domicile des personnes âgées isolées l'été",
            "summary": "Projet : appeler puis visiter les inscrits du registre canicule.",
            "status": "projet",
            "visibility": "privee",
            "communes": "Orléans",
            "techniques": ["visite-domicile", "reperage-relais"],
            "publics": ["personnes-agees"],
            "non_take_up": ["non-demande"],
        },
        [],
    ),
    (
        "stagiaire.tours@demo.allervers.fr",
        "CCAS de Tours",
        [
            ("Croix-Rouge française de Tours", "maraude commune le mardi soir"),
            (
                "Service intégré d'accueil et d'orientation d'Indre-et-Loire",
                "oriente vers l'hébergement",
            ),
        ],
        {
            "title": "Maraude partagée CCAS – Croix-Rouge dans le centre de Tours",
            "summary": "Une maraude hebdomadaire en binôme inter-structures pour aller à la "
            "rencontre des personnes à la rue.",
            "status": "en_cours",
            "visibility": "base",
            "communes": "Tours centre",
            "territory_kinds": ["urbain"],
            "started_on": date(2024, 11, 5),
            "rhythm": "le mardi, de 19 h à 22 h",
            "techniques": ["maraude", "binome", "travail-de-rue"],
            "publics": ["sans-domicile", "sante-mentale"],
            "non_take_up": ["non-demande"],
            "posture": "Ne rien attendre de la première rencontre ; revenir.",
            "success_conditions": "Le binôme entre structures : la Croix-Rouge connaît les "
            "personnes et les lieux, le CCAS ouvre les droits dès le lendemain. Les mêmes "
            "visages chaque mardi.",
            "difficulties": "Le renouvellement des bénévoles ; l'hiver, l'urgence (un abri, un "
            "repas) prend toute la place et les droits attendent.",
            "lessons": "Revenir sans rien proposer fait partie du travail : la demande vient "
            "souvent à la troisième ou quatrième rencontre.",
            "consent": True,
        },
        [
            ("2025-12-16", "personnes", "rencontrees", 28, None),
            ("2026-01-20", "personnes", "orientations", 6, "Vers le 115 et la PASS."),
            ("2026-02-10", "pratiques", "formation", 1, "Formation commune aux premiers secours."),
        ],
    ),
    (
        "stagiaire.joue@demo.allervers.fr",
        "CCAS de Joué-lès-Tours",
        [("Centre social du Sanitas", "prête ses locaux et mobilise les habitants")],
        {
            "title": "Porte-à-porte sur la précarité énergétique à la Rabière",
            "summary": "Avec des habitants relais, des visites pour parler factures et chèque "
            "énergie, avant l'hiver.",
            "status": "terminee",
            "visibility": "groupe",
            "communes": "Joué-lès-Tours – la Rabière",
            "territory_kinds": ["qpv"],
            "started_on": date(2025, 10, 1),
            "ended_on": date(2025, 11, 30),
            "techniques": ["porte-a-porte", "pairs"],
            "publics": ["precarite-energetique", "qpv"],
            "non_take_up": ["non-connaissance"],
            "success_conditions": "Des habitants relais, connus dans le quartier, qui frappent "
            "aux portes avec nous ; le passage annoncé par affiche dans les halls la semaine "
            "avant.",
            "difficulties": "Beaucoup de portes closes en journée : il a fallu revenir en début "
            "de soirée. Les questions débordent vite les factures (loyer, dettes).",
            "lessons": "Les habitants relais ouvrent les portes ; les professionnels ouvrent "
            "les droits.",
        },
        [
            ("2025-11-30", "personnes", "rencontrees", 63, None),
            ("2025-11-30", "personnes", "droits-ouverts", 18, "Chèque énergie et aides du FSL."),
            ("2025-11-30", "pratiques", "binomes", 12, "Un habitant relais à chaque visite."),
            ("2025-11-30", "organisations", "conventions", 1, "Convention avec le bailleur."),
        ],
    ),
    (
        "referent.epicerie@demo.allervers.fr",
        "Épicerie solidaire de Briare",
        [("Espace numérique mobile du Giennois", "vient une fois par mois à l'épicerie")],
        {
            "title": "Un bus numérique devant l'épicerie solidaire",
            "summary": "Une fois par mois, le bus numérique du Giennois se gare devant l'épicerie "
            "pendant la distribution.",
            "status": "en_cours",
            "visibility": "base",
            "communes": "Briare",
            "territory_kinds": ["rural"],
            "started_on": date(2025, 5, 1),
            "rhythm": "le premier jeudi du mois",
            "techniques": ["itinerance", "numerique"],
            "publics": ["ruraux", "eloignes-numerique"],
            "non_take_up": ["non-reception"],
            "success_conditions": "Être là pendant la distribution, quand les personnes sont "
            "déjà venues ; l'épicerie annonce le passage du bus la semaine avant.",
            "difficulties": "Le réseau mobile est faible devant l'épicerie ; une matinée par "
            "mois, c'est peu pour suivre une démarche jusqu'au bout.",
            "lessons": "Le bus ne remplace pas un accompagnement : prévoir où la personne sera "
            "reçue ensuite.",
            "consent": True,
        },
        [
            ("2025-09-04", "personnes", "accompagnements", 7, None),
            ("2026-01-08", "personnes", "retours", None, "« On n'a plus à prendre le car. »"),
            ("2025-12-04", "pratiques", "temps", 3, "Trois heures par mois dégagées."),
        ],
    ),
    (
        "stagiaire.tours@demo.allervers.fr",
        "CCAS de Tours",
        [("Mission locale de Touraine", "co-anime les ateliers")],
        {
            "title": "Ateliers de rue avec les jeunes du Sanitas",
            "summary": "Des ateliers collectifs en pied d'immeuble, avec la Mission locale.",
            "status": "projet",
            "visibility": "groupe",
            "communes": "Tours – Sanitas",
            "territory_kinds": ["qpv", "urbain"],
            "techniques": ["action-collective", "equipe-mobile"],
            "publics": ["jeunes"],
            "non_take_up": ["non-demande"],
            "success_conditions": "Préparer le programme avec des jeunes du quartier plutôt "
            "que d'arriver avec des ateliers tout faits.",
            "difficulties": "Trouver un créneau qui convienne aux jeunes et aux deux équipes.",
        },
        [],
    ),
]


def load_demo_initiatives() -> None:
    if db.session.scalar(select(Initiative).limit(1)) is not None:
        return
    structures = {s.name: s for s in db.session.scalars(select(Structure))}
    for email, carrier, partners, fields, effects in INITIATIVES:
        author = db.session.scalar(select(User).where(User.email == email))
        values = {**fields, "structure_id": structures[carrier].id}
        if values["visibility"] == "groupe":
            values["group_id"] = services.groups_of(author)[0].id
        initiative = services.create_initiative(author, values)
        for name, role in partners:
            services.add_partner(initiative, structures[name], role)
        for day, dimension, code, value, comment in effects:
            services.add_effect(
                initiative,
                {
                    "observed_on": date.fromisoformat(day),
                    "dimension": dimension,
                    "indicator_code": code,
                    "value": None if value is None else float(value),
                    "comment": comment,
                },
                author,
            )
    _presentations()


def _presentations() -> None:
    """One presentation per group: the shared cases and the group's own."""
    for group in db.session.scalars(select(Group).order_by(Group.id)):
        trainer = next(iter(group.trainers), None)
        if trainer is None:
            continue
        shown = db.session.scalars(
            select(Initiative)
            .where(
                (Initiative.visibility == "base")
                | ((Initiative.visibility == "groupe") & (Initiative.group_id == group.id))
            )
            .order_by(Initiative.is_reference.desc(), Initiative.id)
        ).all()
        presentation = Presentation(
            title=f"Cas d'aller-vers – {group.name}", group_id=group.id, owner_id=trainer.id
        )
        presentation.items = [
            PresentationItem(
                initiative_id=initiative.id,
                position=position,
                notes="Demander au groupe : quelle technique, quelle posture ?",
            )
            for position, initiative in enumerate(shown[:5])
        ]
        db.session.add(presentation)
    db.session.commit()
