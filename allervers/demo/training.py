"""The session of the brief (DESIGN.md §5) and the demo accounts."""

SESSION = {
    "title": (
        "La pratique de l'Aller Vers les publics – module 2 « Aller vers : une mise en pratique "
        "outillée, concertée et proactive »"
    ),
    "module": "Module 2 – Aller vers : une mise en pratique outillée, concertée et proactive",
    "sectors": "Tous",
    "audience": (
        "Travailleurs sociaux de niveau 6 (assistants de service social, conseillers en économie "
        "sociale familiale, éducateurs spécialisés…) et cadres."
    ),
    "duration_days": 3,
    "duration_hours": 21,
    "partnership": "Partenariat et cofinancement DGCS",
    "context": (
        "L'aller-vers est devenu un axe majeur des politiques de solidarité : la stratégie "
        "nationale de prévention et de lutte contre la pauvreté en a fait un levier contre le "
        "non-recours aux droits, et la crise sanitaire a montré combien les services devaient "
        "rejoindre les personnes qui ne viennent plus, ou jamais, jusqu'à eux.\n"
        "Sortir des murs ne suffit pas : aller vers les publics qui ne demandent rien suppose des "
        "postures professionnelles ajustées, une organisation qui le permet et des coopérations "
        "avec les autres acteurs du territoire. Après un premier module consacré à la préparation "
        "de la démarche, ce second module propose une mise en pratique outillée, concertée et "
        "proactive, à partir d'expériences d'aller-vers menées par des institutions."
    ),
    "objectives": [
        "Adapter ses postures et ses pratiques organisationnelles à partir d'expériences "
        "d'aller-vers présentées en formation",
        "Identifier les « techniques » de l'aller-vers",
        "Mesurer le besoin et la possibilité de coopérer avec d'autres acteurs",
        "Suivre les effets de l'aller-vers sur les personnes concernées, sur les pratiques "
        "professionnelles et sur les organisations",
    ],
    "prerequisites": (
        "Avoir suivi le module 1 « Aller vers : une nécessaire préparation » ou avoir une "
        "connaissance préalable de la démarche d'aller-vers."
    ),
    "content": "À venir – appel d'offres en cours.",
}

REGISTRATION_DEADLINE = (2021, 11, 19)

GROUPS = [
    {"name": "Groupe 1 Orléans", "city": "Orléans", "capacity": 15},
    {"name": "Groupe 2 Tours", "city": "Tours", "capacity": 15},
]

# Shared by every demo account and printed at start-up: this is demonstration data only.
DEMO_PASSWORD = "aller-vers-demo"

# (e-mail, name, role, job title, structure name or None, group index or None)
ACCOUNTS = [
    (
        "admin@demo.allervers.fr",
        "Admin Démo",
        "admin",
        "Administratrice de la plateforme",
        None,
        None,
    ),
    (
        "formateur.orleans@demo.allervers.fr",
        "Formateur Orléans",
        "formateur",
        "Formateur en travail social",
        None,
        0,
    ),
    (
        "formatrice.tours@demo.allervers.fr",
        "Formatrice Tours",
        "formateur",
        "Formatrice en travail social",
        None,
        1,
    ),
    (
        "stagiaire.ccas@demo.allervers.fr",
        "Stagiaire CCAS Orléans",
        "stagiaire",
        "Assistante de service social",
        "CCAS d'Orléans",
        0,
    ),
    (
        "stagiaire.mds@demo.allervers.fr",
        "Stagiaire MDS Montargis",
        "stagiaire",
        "Conseillère en économie sociale familiale",
        "Maison du Département de Montargis",
        0,
    ),
    (
        "stagiaire.caf@demo.allervers.fr",
        "Stagiaire CAF Loiret",
        "stagiaire",
        "Cadre – responsable d'équipe",
        "Caisse d'allocations familiales du Loiret",
        0,
    ),
    (
        "stagiaire.tours@demo.allervers.fr",
        "Stagiaire CCAS Tours",
        "stagiaire",
        "Éducateur spécialisé",
        "CCAS de Tours",
        1,
    ),
    (
        "stagiaire.joue@demo.allervers.fr",
        "Stagiaire Joué-lès-Tours",
        "stagiaire",
        "Assistante de service social",
        "CCAS de Joué-lès-Tours",
        1,
    ),
    (
        "referent.epicerie@demo.allervers.fr",
        "Référente Épicerie Briare",
        "referent",
        "Coordinatrice",
        "Épicerie solidaire de Briare",
        None,
    ),
]
