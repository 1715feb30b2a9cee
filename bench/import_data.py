"""CSV files for timing `coopgraph import` (issue #13: 100,000 relationships in at most 60 s).

    python -m bench.import_data DIR [--relationships 100000] [--organisations 5000] [--projects 500]

writes DIR/sources.csv and DIR/entities.csv (the entities, imported first) and
DIR/relationships.csv (the relationships between them: the import that is timed):

    coopgraph import DIR/sources.csv DIR/entities.csv
    time coopgraph import DIR/relationships.csv

Deterministic for a seed. The entities are curated data under `xx-bench-` ids (the import makes
them curated, unlike `coopgraph synth`): use a scratch store (COOPGRAPH_DATA_DIR), not a real one.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

SOURCE = "src-bench-import"
COUNTRIES = (("ee", "EE", "et"), ("lv", "LV", "lv"), ("fi", "FI", "fi"))
YEARS = range(2008, 2025)


@dataclass(frozen=True)
class ImportFiles:
    sources: Path
    entities: Path
    relationships: Path
    relationship_count: int


def _organisation(index: int) -> tuple[str, str, str]:
    prefix, country, lang = COUNTRIES[index % len(COUNTRIES)]
    return f"{prefix}-bench-org-{index}", country, lang


def _project(index: int) -> tuple[str, str, str]:
    prefix, country, lang = COUNTRIES[index % len(COUNTRIES)]
    return f"{prefix}-bench-project-{index}", country, lang


def write_files(
    directory: Path,
    *,
    relationships: int = 100_000,
    organisations: int = 5_000,
    projects: int = 500,
    seed: int = 1,
) -> ImportFiles:
    """The three CSV files in `directory`; 70 % cooperates_with between organisations, the rest
    participates_in from an organisation to a project, every claim distinct."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)  # noqa: S311 - test data, not a secret
    sources = directory / "sources.csv"
    with sources.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "url", "language", "title_en", "published"])
        out.writerow(
            [SOURCE, "https://www.example.org/coopgraph-import-benchmark", "en", "Import benchmark", "2024"]
        )
    entities = directory / "entities.csv"
    with entities.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "kind", "name", "lang", "name_en", "country", "aliases", "sources"])
        for index in range(organisations):
            ident, country, lang = _organisation(index)
            name = f"Bench organisation {index}"
            out.writerow([ident, "organisation", name, lang, name, country, f"BO{index}", SOURCE])
        for index in range(projects):
            ident, country, lang = _project(index)
            name = f"Bench project {index}"
            out.writerow([ident, "project", name, lang, name, country, "", SOURCE])
    claims: set[tuple[str, str, str, int]] = set()
    while len(claims) < relationships:
        start = _organisation(rng.randrange(organisations))[0]
        year = rng.choice(YEARS)
        if rng.random() < 0.7:
            end = _organisation(rng.randrange(organisations))[0]
            if end != start:
                claims.add(("cooperates_with", start, end, year))
        else:
            claims.add(("participates_in", start, _project(rng.randrange(projects))[0], year))
    path = directory / "relationships.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["type", "from", "to", "start", "sources"])
        for kind, start, end, year in sorted(claims):
            out.writerow([kind, start, end, str(year), SOURCE])
    return ImportFiles(sources, entities, path, relationships)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--relationships", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=5_000)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = write_files(
        args.dir,
        relationships=args.relationships,
        organisations=args.organisations,
        projects=args.projects,
        seed=args.seed,
    )
    print(f"coopgraph import {files.sources} {files.entities}")
    print(f"coopgraph import {files.relationships}   # {files.relationship_count} relationships: time this")


if __name__ == "__main__":
    main()
