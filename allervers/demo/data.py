"""Structures de démonstration (Loiret et Indre-et-Loire) pour l'annuaire."""

STRUCTURES: list[dict] = [
    {
        "name": "CCAS d'Orléans",
        "acronym": None,
        "typology": "CCAS",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Centre communal d'action sociale de la ville : aides facultatives, domiciliation"
            " administrative et accompagnement des personnes âgées isolées. Premier relais "
            "pour une situation d'urgence sociale sur la commune."
        ),
        "publics": ["sans-domicile", "personnes-agees", "non-recours", "familles-monoparentales"],
    },
    {
        "name": "Conseil départemental du Loiret",
        "acronym": None,
        "typology": "CD",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": "https://www.loiret.fr",
        "phone": None,
        "email": None,
        "description": (
            "Chef de file de l'action sociale dans le département : RSA, protection de "
            "l'enfance, PMI et autonomie des personnes âgées ou handicapées."
        ),
        "publics": ["non-recours", "familles-monoparentales", "personnes-agees", "handicap"],
    },
    {
        "name": "Maison du Département de Montargis",
        "acronym": "MDD",
        "typology": "DEPT",
        "commune": "Montargis",
        "postal_code": "45200",
        "insee_code": "45208",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accueil social de proximité du Département : travailleurs sociaux de "
            "polyvalence, consultations de PMI, accompagnement des familles et des "
            "allocataires du RSA."
        ),
        "publics": ["familles-monoparentales", "non-recours", "travailleurs-precaires"],
    },
    {
        "name": "CCAS de Fleury-les-Aubrais",
        "acronym": None,
        "typology": "CCAS",
        "commune": "Fleury-les-Aubrais",
        "postal_code": "45400",
        "insee_code": "45147",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Aide sociale légale et facultative, domiciliation et soutien aux seniors de la "
            "commune. Partenaire pour repérer les situations d'isolement dans les quartiers."
        ),
        "publics": ["personnes-agees", "non-recours", "qpv"],
    },
    {
        "name": "Caisse d'allocations familiales du Loiret",
        "acronym": "CAF",
        "typology": "CAF",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Verse les prestations familiales, les aides au logement, le RSA et la prime "
            "d'activité. Ses travailleurs sociaux accompagnent les familles face à un "
            "événement de vie (séparation, décès, impayé de loyer)."
        ),
        "publics": ["familles-monoparentales", "non-recours", "travailleurs-precaires"],
    },
    {
        "name": "Caisse primaire d'assurance maladie du Loiret",
        "acronym": "CPAM",
        "typology": "CPAM",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Ouvre les droits à l'assurance maladie et à la complémentaire santé solidaire. "
            "Sa mission d'accompagnement santé aide les assurés qui renoncent à se soigner."
        ),
        "publics": ["non-recours", "travailleurs-precaires", "sans-domicile"],
    },
    {
        "name": "France Services de Pithiviers",
        "acronym": None,
        "typology": "RFS",
        "commune": "Pithiviers",
        "postal_code": "45300",
        "insee_code": "45252",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Guichet unique où des agents formés accompagnent les démarches administratives "
            "en ligne : CAF, impôts, retraite, assurance maladie, France Travail."
        ),
        "publics": ["eloignes-numerique", "ruraux", "non-recours"],
    },
    {
        "name": "Mission locale de l'Orléanais",
        "acronym": None,
        "typology": "ML",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accompagne les jeunes de 16 à 25 ans vers l'emploi et la formation, notamment "
            "par le contrat d'engagement jeune, et aborde aussi logement, santé et mobilité."
        ),
        "publics": ["jeunes", "qpv", "sortants"],
    },
    {
        "name": "Agence France Travail de Montargis",
        "acronym": None,
        "typology": "FT",
        "commune": "Montargis",
        "postal_code": "45200",
        "insee_code": "45208",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Inscription, indemnisation et accompagnement des demandeurs d'emploi, y compris "
            "les allocataires du RSA orientés vers un parcours d'insertion."
        ),
        "publics": ["travailleurs-precaires", "non-recours", "qpv"],
    },
    {
        "name": "Cap emploi du Loiret",
        "acronym": None,
        "typology": "CAP_EMPLOI",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accompagne vers l'emploi les personnes en situation de handicap et conseille les"
            " employeurs sur le recrutement et le maintien dans l'emploi."
        ),
        "publics": ["handicap", "travailleurs-precaires"],
    },
    {
        "name": "Équipe mobile psychiatrie précarité du Loiret",
        "acronym": "EMPP",
        "typology": "EMPP",
        "commune": "Fleury-les-Aubrais",
        "postal_code": "45400",
        "insee_code": "45147",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Équipe soignante qui va au-devant des personnes en grande précarité souffrant de"
            " troubles psychiques, dans la rue et les lieux d'accueil, et appuie les équipes "
            "sociales."
        ),
        "publics": ["sans-domicile", "sante-mentale", "exiles"],
    },
    {
        "name": "Permanence d'accès aux soins de santé d'Orléans",
        "acronym": "PASS",
        "typology": "HOPITAL",
        "commune": "Orléans",
        "postal_code": "45100",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Permanence hospitalière qui soigne les personnes sans couverture maladie ou avec"
            " des droits incomplets, et les aide à ouvrir leurs droits."
        ),
        "publics": ["sans-domicile", "exiles", "non-recours"],
    },
    {
        "name": "Centre de soins, d'accompagnement et de prévention en addictologie d'Orléans",
        "acronym": "CSAPA",
        "typology": "CSAPA",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Consultations gratuites et confidentielles pour les personnes ayant une conduite"
            " addictive (alcool, drogues, jeux) et pour leur entourage."
        ),
        "publics": ["sante-mentale", "sans-domicile", "sortants"],
    },
    {
        "name": "Service intégré d'accueil et d'orientation du Loiret",
        "acronym": "SIAO",
        "typology": "SIAO",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Centralise les demandes d'hébergement et de logement accompagné du département "
            "et gère le numéro d'urgence 115."
        ),
        "publics": ["sans-domicile", "exiles", "sortants"],
    },
    {
        "name": "Les Résidences de l'Orléanais",
        "acronym": None,
        "typology": "BAILLEUR",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Bailleur social public de la métropole orléanaise. Ses équipes de proximité sont"
            " des partenaires pour prévenir les impayés et repérer l'isolement des "
            "locataires."
        ),
        "publics": ["qpv", "personnes-agees", "precarite-energetique"],
    },
    {
        "name": "Centre d'hébergement d'urgence d'Orléans",
        "acronym": None,
        "typology": "CHU",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accueil de nuit inconditionnel pour les personnes sans abri orientées par le "
            "115, avec un premier accompagnement social."
        ),
        "publics": ["sans-domicile", "exiles"],
    },
    {
        "name": "Centre d'accueil de demandeurs d'asile de Montargis",
        "acronym": "CADA",
        "typology": "CADA",
        "commune": "Montargis",
        "postal_code": "45200",
        "insee_code": "45208",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Héberge les demandeurs d'asile pendant l'instruction de leur demande et les "
            "accompagne dans leurs démarches administratives, sociales et de santé."
        ),
        "publics": ["exiles"],
    },
    {
        "name": "Bureau information jeunesse du Loiret",
        "acronym": "BIJ",
        "typology": "PIJ_BIJ",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Information gratuite et anonyme des jeunes sur les études, l'emploi, le "
            "logement, la santé et la mobilité internationale."
        ),
        "publics": ["jeunes"],
    },
    {
        "name": "Service de prévention spécialisée de Saint-Jean-de-la-Ruelle",
        "acronym": None,
        "typology": "PREVENTION",
        "commune": "Saint-Jean-de-la-Ruelle",
        "postal_code": "45140",
        "insee_code": "45285",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Éducateurs de rue qui vont à la rencontre des jeunes en rupture dans les "
            "quartiers et construisent avec eux un accompagnement éducatif librement accepté."
        ),
        "publics": ["jeunes", "qpv"],
    },
    {
        "name": "Service pénitentiaire d'insertion et de probation du Loiret",
        "acronym": "SPIP",
        "typology": "SPIP",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Suit les personnes placées sous main de justice, en milieu ouvert comme en "
            "détention, et prépare leur sortie : hébergement, droits, emploi, soins."
        ),
        "publics": ["sortants"],
    },
    {
        "name": "Unité éducative de milieu ouvert d'Orléans",
        "acronym": "UEMO",
        "typology": "PJJ",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Service de la protection judiciaire de la jeunesse qui met en œuvre les mesures "
            "éducatives décidées par le juge pour des mineurs."
        ),
        "publics": ["jeunes", "sortants"],
    },
    {
        "name": "Brigade de gendarmerie de Pithiviers",
        "acronym": None,
        "typology": "SECURITE",
        "commune": "Pithiviers",
        "postal_code": "45300",
        "insee_code": "45252",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Acteur de sécurité de proximité en secteur rural, relais pour les signalements "
            "de violences intrafamiliales et la protection des personnes âgées isolées."
        ),
        "publics": ["ruraux", "personnes-agees"],
    },
    {
        "name": "Épicerie solidaire de Briare",
        "acronym": None,
        "typology": "ES",
        "commune": "Briare",
        "postal_code": "45250",
        "insee_code": "45053",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Propose des produits alimentaires et d'hygiène à prix réduit aux ménages "
            "orientés par un travailleur social, avec un temps d'accueil et d'échange."
        ),
        "publics": ["travailleurs-precaires", "familles-monoparentales", "ruraux"],
    },
    {
        "name": "Les Restos du cœur du Loiret",
        "acronym": None,
        "typology": "ASSO",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Association d'aide alimentaire qui coordonne les centres de distribution du "
            "département et propose des actions d'accompagnement (accès aux droits, budget)."
        ),
        "publics": ["sans-domicile", "travailleurs-precaires", "familles-monoparentales"],
    },
    {
        "name": "Secours populaire de Montargis",
        "acronym": None,
        "typology": "ASSO",
        "commune": "Montargis",
        "postal_code": "45200",
        "insee_code": "45208",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Comité local de l'association : aide alimentaire et vestimentaire, accès aux "
            "vacances, à la culture et aux loisirs pour les familles en difficulté."
        ),
        "publics": ["familles-monoparentales", "travailleurs-precaires"],
    },
    {
        "name": "Médiathèque d'Orléans",
        "acronym": None,
        "typology": "BIB",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Lieu de lecture publique ouvert à tous, avec postes informatiques en accès "
            "libre, ateliers et animations. Un lieu neutre pour rencontrer des publics "
            "éloignés des institutions."
        ),
        "publics": ["eloignes-numerique", "qpv", "exiles"],
    },
    {
        "name": "Médiathèque de Gien",
        "acronym": None,
        "typology": "BIB",
        "commune": "Gien",
        "postal_code": "45500",
        "insee_code": "45155",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Équipement culturel ouvert à tous proposant prêts, animations et accès à "
            "internet ; point d'appui pour toucher les habitants du Giennois."
        ),
        "publics": ["ruraux", "eloignes-numerique"],
    },
    {
        "name": "Espace public numérique de Montargis",
        "acronym": "EPN",
        "typology": "EPN",
        "commune": "Montargis",
        "postal_code": "45200",
        "insee_code": "45208",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accompagnement aux usages numériques : ateliers collectifs, aide aux démarches "
            "en ligne et prise en main du matériel."
        ),
        "publics": ["eloignes-numerique", "personnes-agees"],
    },
    {
        "name": "Espace numérique mobile du Giennois",
        "acronym": None,
        "typology": "ENM",
        "commune": "Gien",
        "postal_code": "45500",
        "insee_code": "45155",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Dispositif itinérant d'inclusion numérique qui se déplace dans les communes "
            "rurales pour aider aux démarches en ligne."
        ),
        "publics": ["ruraux", "eloignes-numerique", "personnes-agees"],
    },
    {
        "name": "Orléans Métropole",
        "acronym": None,
        "typology": "EPCI",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": "https://www.orleans-metropole.fr",
        "phone": None,
        "email": None,
        "description": (
            "Intercommunalité de l'agglomération orléanaise, compétente notamment en habitat,"
            " politique de la ville et mobilité."
        ),
        "publics": ["qpv"],
    },
    {
        "name": "Préfecture du Loiret",
        "acronym": None,
        "typology": "PREF",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": "https://www.loiret.gouv.fr",
        "phone": None,
        "email": None,
        "description": (
            "Représente l'État dans le département : titres de séjour, politique de la ville,"
            " hébergement d'urgence et stratégie de lutte contre la pauvreté."
        ),
        "publics": ["exiles", "qpv", "sans-domicile"],
    },
    {
        "name": "Mairie de Saint-Jean-de-Braye",
        "acronym": None,
        "typology": "MUNI",
        "commune": "Saint-Jean-de-Braye",
        "postal_code": "45800",
        "insee_code": "45284",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Services municipaux (état civil, scolaire, action sociale avec le CCAS). Les "
            "agents d'accueil et les élus sont des relais de repérage des situations "
            "fragiles."
        ),
        "publics": ["personnes-agees", "familles-monoparentales"],
    },
    {
        "name": "Communauté de communes Berry Loire Puisaye",
        "acronym": None,
        "typology": "CC",
        "commune": "Briare",
        "postal_code": "45250",
        "insee_code": "45053",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Intercommunalité rurale du sud-est du Loiret, interlocutrice pour les services "
            "de proximité et les projets du territoire."
        ),
        "publics": ["ruraux"],
    },
    {
        "name": "Centre social de l'Argonne",
        "acronym": None,
        "typology": "CS",
        "commune": "Orléans",
        "postal_code": "45000",
        "insee_code": "45234",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Lieu d'accueil et d'animation du quartier prioritaire : permanences d'accès aux "
            "droits, activités pour les familles, ateliers sociolinguistiques."
        ),
        "publics": ["qpv", "familles-monoparentales", "exiles"],
    },
    {
        "name": "Espace de vie sociale de Pithiviers",
        "acronym": "EVS",
        "typology": "EVS",
        "commune": "Pithiviers",
        "postal_code": "45300",
        "insee_code": "45252",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Structure associative de proximité agréée par la CAF, qui anime des activités "
            "collectives et crée du lien entre habitants."
        ),
        "publics": ["ruraux", "personnes-agees", "familles-monoparentales"],
    },
    {
        "name": "Pharmacie du centre-ville de Gien",
        "acronym": None,
        "typology": "PROXIMITE",
        "commune": "Gien",
        "postal_code": "45500",
        "insee_code": "45155",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Commerce de proximité fréquenté par des personnes âgées isolées ; partenaire de "
            "repérage et d'orientation vers les services sociaux."
        ),
        "publics": ["personnes-agees", "ruraux"],
    },
    {
        "name": "Centre socioculturel d'Olivet",
        "acronym": None,
        "typology": "CSC",
        "commune": "Olivet",
        "postal_code": "45160",
        "insee_code": "45232",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Équipement d'animation ouvert aux habitants : loisirs, accompagnement à la "
            "scolarité et actions intergénérationnelles."
        ),
        "publics": ["familles-monoparentales", "personnes-agees", "jeunes"],
    },
    {
        "name": "CCAS de Tours",
        "acronym": None,
        "typology": "CCAS",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Aides facultatives, domiciliation des personnes sans résidence stable, "
            "accompagnement des seniors et des publics en grande précarité."
        ),
        "publics": ["sans-domicile", "personnes-agees", "non-recours"],
    },
    {
        "name": "CCAS de Joué-lès-Tours",
        "acronym": None,
        "typology": "CCAS",
        "commune": "Joué-lès-Tours",
        "postal_code": "37300",
        "insee_code": "37122",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accueil social de la ville : aides d'urgence, accompagnement budgétaire et "
            "soutien aux personnes âgées isolées."
        ),
        "publics": ["personnes-agees", "qpv", "precarite-energetique"],
    },
    {
        "name": "Maison départementale de la solidarité de Joué-lès-Tours",
        "acronym": "MDS",
        "typology": "MDS",
        "commune": "Joué-lès-Tours",
        "postal_code": "37300",
        "insee_code": "37122",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Antenne sociale du Département : assistants de service social, PMI et protection"
            " de l'enfance pour les habitants du secteur."
        ),
        "publics": ["familles-monoparentales", "non-recours", "qpv"],
    },
    {
        "name": "Union départementale des associations familiales d'Indre-et-Loire",
        "acronym": "UDAF",
        "typology": "UDAF",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Représente les familles et exerce des mesures de protection juridique des "
            "majeurs et d'aide à la gestion du budget familial."
        ),
        "publics": ["personnes-agees", "handicap", "sante-mentale"],
    },
    {
        "name": "Caisse d'allocations familiales de Touraine",
        "acronym": "CAF",
        "typology": "CAF",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Verse les prestations familiales, les aides au logement, le RSA et la prime "
            "d'activité, et organise des rendez-vous des droits pour lutter contre le "
            "non-recours."
        ),
        "publics": ["familles-monoparentales", "non-recours", "travailleurs-precaires"],
    },
    {
        "name": "Caisse primaire d'assurance maladie d'Indre-et-Loire",
        "acronym": "CPAM",
        "typology": "CPAM",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Ouvre les droits à l'assurance maladie et à la complémentaire santé solidaire, "
            "et accompagne les assurés en situation de renoncement aux soins."
        ),
        "publics": ["non-recours", "travailleurs-precaires"],
    },
    {
        "name": "Centre d'information sur les droits des femmes et des familles d'Indre-et-Loire",
        "acronym": "CIDFF",
        "typology": "CIDFF",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Information juridique gratuite (droit de la famille, droit du travail) et "
            "accompagnement des femmes victimes de violences."
        ),
        "publics": ["familles-monoparentales", "non-recours"],
    },
    {
        "name": "France Services de Chinon",
        "acronym": None,
        "typology": "RFS",
        "commune": "Chinon",
        "postal_code": "37500",
        "insee_code": "37072",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Guichet unique d'accompagnement aux démarches administratives et numériques pour"
            " les habitants du Chinonais."
        ),
        "publics": ["ruraux", "eloignes-numerique", "non-recours"],
    },
    {
        "name": "Mission locale de Touraine",
        "acronym": None,
        "typology": "ML",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accompagne les jeunes de 16 à 25 ans sortis du système scolaire vers l'emploi, "
            "la formation et l'autonomie (logement, santé, mobilité)."
        ),
        "publics": ["jeunes", "qpv", "sortants"],
    },
    {
        "name": "Atelier chantier d'insertion du Lochois",
        "acronym": "ACI",
        "typology": "ACI",
        "commune": "Loches",
        "postal_code": "37600",
        "insee_code": "37132",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Chantier d'insertion qui propose des contrats salariés et un accompagnement "
            "socioprofessionnel à des personnes très éloignées de l'emploi."
        ),
        "publics": ["travailleurs-precaires", "ruraux", "sortants"],
    },
    {
        "name": "Équipe mobile psychiatrie précarité d'Indre-et-Loire",
        "acronym": "EMPP",
        "typology": "EMPP",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Infirmiers et psychologues qui interviennent dans la rue et les structures "
            "d'hébergement auprès des personnes précaires en souffrance psychique."
        ),
        "publics": ["sans-domicile", "sante-mentale"],
    },
    {
        "name": "Permanence d'accès aux soins de santé du CHRU de Tours",
        "acronym": "PASS",
        "typology": "HOPITAL",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accueil hospitalier des personnes sans couverture maladie : consultations, "
            "délivrance de médicaments et aide à l'ouverture des droits."
        ),
        "publics": ["sans-domicile", "exiles", "non-recours"],
    },
    {
        "name": "Centre médico-psychologique de Chinon",
        "acronym": "CMP",
        "typology": "CMP",
        "commune": "Chinon",
        "postal_code": "37500",
        "insee_code": "37072",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Consultations de psychiatrie publique de secteur, sans avance de frais, et suivi"
            " au plus près du domicile."
        ),
        "publics": ["sante-mentale", "ruraux"],
    },
    {
        "name": "Maison départementale des personnes handicapées d'Indre-et-Loire",
        "acronym": "MDPH",
        "typology": "MDPH",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Instruit les demandes de droits liés au handicap (AAH, PCH, RQTH, orientations) "
            "et informe les personnes et leurs proches."
        ),
        "publics": ["handicap", "non-recours"],
    },
    {
        "name": "Service intégré d'accueil et d'orientation d'Indre-et-Loire",
        "acronym": "SIAO",
        "typology": "SIAO",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Plateforme départementale qui oriente vers l'hébergement d'urgence et "
            "d'insertion et coordonne les maraudes ; gère le 115."
        ),
        "publics": ["sans-domicile", "exiles", "sortants"],
    },
    {
        "name": "Tours Habitat",
        "acronym": None,
        "typology": "BAILLEUR",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Bailleur social public de la ville de Tours, très présent dans les quartiers "
            "prioritaires ; partenaire pour prévenir les expulsions et repérer l'isolement."
        ),
        "publics": ["qpv", "personnes-agees", "precarite-energetique"],
    },
    {
        "name": "Val Touraine Habitat",
        "acronym": None,
        "typology": "BAILLEUR",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Office public de l'habitat du département, avec un parc important en zones "
            "périurbaines et rurales."
        ),
        "publics": ["ruraux", "precarite-energetique", "personnes-agees"],
    },
    {
        "name": "Foyer de jeunes travailleurs de Tours",
        "acronym": "FJT",
        "typology": "RS_FJT",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Logement temporaire meublé avec accompagnement socio-éducatif pour des jeunes en"
            " formation, en apprentissage ou en premier emploi."
        ),
        "publics": ["jeunes", "travailleurs-precaires"],
    },
    {
        "name": "Aide sociale à l'enfance d'Indre-et-Loire",
        "acronym": "ASE",
        "typology": "ASE",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Service départemental de protection de l'enfance : accueil, mesures éducatives "
            "et accompagnement des jeunes majeurs sortant de l'ASE."
        ),
        "publics": ["sortants", "jeunes", "familles-monoparentales"],
    },
    {
        "name": "Club de prévention spécialisée de Joué-lès-Tours",
        "acronym": None,
        "typology": "SCP",
        "commune": "Joué-lès-Tours",
        "postal_code": "37300",
        "insee_code": "37122",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Éducateurs de rue présents dans les quartiers, qui établissent le contact avec "
            "des jeunes en rupture et leurs familles."
        ),
        "publics": ["jeunes", "qpv"],
    },
    {
        "name": "Point information jeunesse d'Amboise",
        "acronym": "PIJ",
        "typology": "PIJ_BIJ",
        "commune": "Amboise",
        "postal_code": "37400",
        "insee_code": "37003",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accueil anonyme et gratuit des jeunes : information sur l'emploi, la formation, "
            "les jobs d'été, le logement et la santé."
        ),
        "publics": ["jeunes", "ruraux"],
    },
    {
        "name": "Service pénitentiaire d'insertion et de probation d'Indre-et-Loire",
        "acronym": "SPIP",
        "typology": "SPIP",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Accompagne les personnes condamnées en milieu ouvert et prépare la sortie de "
            "détention en lien avec les partenaires de l'hébergement et de l'emploi."
        ),
        "publics": ["sortants"],
    },
    {
        "name": "Unité éducative de milieu ouvert de Tours",
        "acronym": "UEMO",
        "typology": "PJJ",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Service de la protection judiciaire de la jeunesse chargé des mesures éducatives"
            " prononcées par le juge pour des mineurs."
        ),
        "publics": ["jeunes", "sortants"],
    },
    {
        "name": "Brigade de gendarmerie de Loches",
        "acronym": None,
        "typology": "SECURITE",
        "commune": "Loches",
        "postal_code": "37600",
        "insee_code": "37132",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Présence de sécurité en territoire rural ; relais pour les violences "
            "intrafamiliales et le repérage des personnes âgées vulnérables."
        ),
        "publics": ["ruraux", "personnes-agees"],
    },
    {
        "name": "Les Restos du cœur d'Indre-et-Loire",
        "acronym": None,
        "typology": "ASSO",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Association d'aide alimentaire qui coordonne les centres du département et "
            "propose un accompagnement vers les droits et l'insertion."
        ),
        "publics": ["sans-domicile", "travailleurs-precaires", "familles-monoparentales"],
    },
    {
        "name": "Croix-Rouge française de Tours",
        "acronym": None,
        "typology": "ASSO",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Unité locale de bénévoles : maraudes, aide alimentaire, vestiboutique et "
            "accompagnement des personnes isolées."
        ),
        "publics": ["sans-domicile", "exiles", "personnes-agees"],
    },
    {
        "name": "Secours populaire de Saint-Pierre-des-Corps",
        "acronym": None,
        "typology": "ASSO",
        "commune": "Saint-Pierre-des-Corps",
        "postal_code": "37700",
        "insee_code": "37233",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Comité local de l'association : aide alimentaire, accès aux vacances et aux "
            "loisirs pour les familles en difficulté."
        ),
        "publics": ["familles-monoparentales", "travailleurs-precaires", "qpv"],
    },
    {
        "name": "Bibliothèque municipale de Tours",
        "acronym": None,
        "typology": "BIB",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Réseau de lecture publique ouvert à tous, avec accès à internet et animations ; "
            "lieu de rencontre possible avec des publics isolés."
        ),
        "publics": ["eloignes-numerique", "qpv", "exiles"],
    },
    {
        "name": "Médiathèque de Joué-lès-Tours",
        "acronym": None,
        "typology": "BIB",
        "commune": "Joué-lès-Tours",
        "postal_code": "37300",
        "insee_code": "37122",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Équipement culturel de la ville : prêts, animations pour les familles et postes "
            "informatiques en accès libre."
        ),
        "publics": ["familles-monoparentales", "eloignes-numerique", "qpv"],
    },
    {
        "name": "Espace public numérique de Saint-Pierre-des-Corps",
        "acronym": "EPN",
        "typology": "EPN",
        "commune": "Saint-Pierre-des-Corps",
        "postal_code": "37700",
        "insee_code": "37233",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Ateliers d'initiation et accompagnement individuel aux démarches en ligne pour "
            "les habitants peu à l'aise avec le numérique."
        ),
        "publics": ["eloignes-numerique", "personnes-agees", "qpv"],
    },
    {
        "name": "Tours Métropole Val de Loire",
        "acronym": None,
        "typology": "EPCI",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": "https://www.tours-metropole.fr",
        "phone": None,
        "email": None,
        "description": (
            "Intercommunalité de 22 communes autour de Tours, compétente notamment en "
            "habitat, politique de la ville et accueil des gens du voyage."
        ),
        "publics": ["qpv", "gens-du-voyage"],
    },
    {
        "name": "Préfecture d'Indre-et-Loire",
        "acronym": None,
        "typology": "PREF",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": "https://www.indre-et-loire.gouv.fr",
        "phone": None,
        "email": None,
        "description": (
            "Représente l'État dans le département : titres de séjour, hébergement d'urgence "
            "et politique de la ville."
        ),
        "publics": ["exiles", "qpv", "sans-domicile"],
    },
    {
        "name": "Mairie d'Amboise",
        "acronym": None,
        "typology": "MUNI",
        "commune": "Amboise",
        "postal_code": "37400",
        "insee_code": "37003",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Services municipaux de proximité ; les élus et agents d'accueil connaissent les "
            "habitants et peuvent orienter les personnes isolées."
        ),
        "publics": ["ruraux", "personnes-agees"],
    },
    {
        "name": "Communauté de communes Chinon, Vienne et Loire",
        "acronym": None,
        "typology": "CC",
        "commune": "Chinon",
        "postal_code": "37500",
        "insee_code": "37072",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Intercommunalité du Chinonais, interlocutrice pour les services de proximité, la"
            " mobilité et l'habitat sur ce territoire rural."
        ),
        "publics": ["ruraux"],
    },
    {
        "name": "Centre social du Sanitas",
        "acronym": None,
        "typology": "CS",
        "commune": "Tours",
        "postal_code": "37000",
        "insee_code": "37261",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Centre social du principal quartier prioritaire de Tours : accueil, accès aux "
            "droits, activités familles et ateliers de français."
        ),
        "publics": ["qpv", "familles-monoparentales", "exiles"],
    },
    {
        "name": "Maison de quartier de la Rabière",
        "acronym": None,
        "typology": "MQ",
        "commune": "Joué-lès-Tours",
        "postal_code": "37300",
        "insee_code": "37122",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Lieu d'animation et de rencontre du quartier prioritaire, qui accueille "
            "habitants, associations et permanences sociales."
        ),
        "publics": ["qpv", "jeunes", "familles-monoparentales"],
    },
    {
        "name": "Pharmacie du quartier de la Rabaterie",
        "acronym": None,
        "typology": "PROXIMITE",
        "commune": "Saint-Pierre-des-Corps",
        "postal_code": "37700",
        "insee_code": "37233",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Commerce de santé de proximité ; le pharmacien repère des personnes fragiles et "
            "peut les orienter vers les services sociaux."
        ),
        "publics": ["qpv", "personnes-agees"],
    },
    {
        "name": "Espace de vie sociale du Lochois",
        "acronym": "EVS",
        "typology": "EVS",
        "commune": "Loches",
        "postal_code": "37600",
        "insee_code": "37132",
        "website": None,
        "phone": None,
        "email": None,
        "description": (
            "Structure associative agréée par la CAF qui anime des activités collectives et "
            "lutte contre l'isolement en milieu rural."
        ),
        "publics": ["ruraux", "personnes-agees"],
    },
]
