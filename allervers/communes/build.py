"""Set-up step: the official list of communes, made compact for the app (`make setup`).

    python -m allervers.communes.build node_modules/@etalab/decoupage-administratif/data OUT

Reads the Etalab package's communes.json and epci.json (npm, installed by `npm ci`) and writes
only what the app needs. The app reads OUT at run time, never node_modules.
"""

import json
import sys
from pathlib import Path

CURRENT = "commune-actuelle"
# Arrondissements municipaux (Paris, Lyon, Marseille) and communes déléguées / associées keep
# their own INSEE code in old records: they are read as the current commune they belong to.
FORMER = ("arrondissement-municipal", "commune-deleguee", "commune-associee")


def build(source: Path) -> dict:
    communes = json.loads((source / "communes.json").read_text(encoding="utf-8"))
    epcis = json.loads((source / "epci.json").read_text(encoding="utf-8"))
    epci_of = {member["code"]: epci["code"] for epci in epcis for member in epci["membres"]}
    current = {c["code"]: c for c in communes if c["type"] == CURRENT}
    rows = [
        [
            code,
            commune["nom"],
            " ".join(commune.get("codesPostaux", [])),
            commune["departement"],
            epci_of.get(code, ""),
            commune.get("population", 0),
        ]
        for code, commune in sorted(current.items())
    ]
    aliases = {}
    for commune in communes:
        parent = commune.get("commune") or commune.get("chefLieu")
        if commune["type"] in FORMER and commune["code"] not in current and parent in current:
            aliases[commune["code"]] = parent
        for old in commune.get("anciensCodes", []):
            if commune["type"] == CURRENT and old not in current:
                aliases[old] = commune["code"]
    return {
        "source": "@etalab/decoupage-administratif",
        "communes": rows,
        "epcis": {epci["code"]: epci["nom"] for epci in sorted(epcis, key=lambda e: e["code"])},
        "aliases": dict(sorted(aliases.items())),
    }


def main(argv: list[str]) -> None:
    source, target = Path(argv[0]), Path(argv[1])
    package = json.loads((source.parent / "package.json").read_text(encoding="utf-8"))
    data = {"version": package["version"], **build(source)}
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    temporary.replace(target)
    print(f"{target} : {len(data['communes'])} communes, {len(data['epcis'])} EPCI.")


if __name__ == "__main__":
    main(sys.argv[1:])
