"""The cooperation ontology: the closed mappings from seed vocabulary to graph labels and types.

Labels and relationship types reach Cypher only through these tables, never from input.
docs/ontology.md explains the model in prose.
"""

from __future__ import annotations

from typing import Final

# kind -> Neo4j label. Every entity node also carries :Entity, and actors carry :Actor.
KIND_LABELS: Final[dict[str, str]] = {
    "ministry": "Ministry",
    "agency": "Agency",
    "org_unit": "OrgUnit",
    "municipality": "Municipality",
    "region": "Region",
    "school": "School",
    "university": "University",
    "organisation": "Organisation",
    "council": "Council",
    "person": "Person",
    "project": "Project",
    "programme": "Programme",
    "event": "Event",
    "agreement": "Agreement",
    "regulation": "Regulation",
    "target": "Target",
}

ACTOR_KINDS: Final[frozenset[str]] = frozenset(
    {
        "ministry",
        "agency",
        "org_unit",
        "municipality",
        "region",
        "school",
        "university",
        "organisation",
        "council",
        "person",
    }
)

# Subtypes that must be given, and their allowed values (None: free text, but required).
REQUIRED_SUBTYPES: Final[dict[str, frozenset[str] | None]] = {
    "agency": frozenset({"agency", "foundation"}),
    "municipality": frozenset({"city", "rural_municipality", "county_municipality"}),
    "region": frozenset({"county", "region"}),
    "school": frozenset({"general", "vocational", "minority_language"}),
    "council": frozenset({"council", "network", "working_group"}),
    "event": frozenset({"meeting", "conference", "seminar", "info_session"}),
}

# A retracted entity keeps its properties but trades :Entity, :Actor and its kind label for this
# one label, so that every read which matches :Entity leaves it out without a filter.
RETRACTED_LABEL: Final = "Retracted"
# A retracted relationship is re-created with this type (its `kind` property keeps the original),
# so that no traversal over RELATION_TYPES meets it.
RETRACTED_TYPE: Final = "RETRACTED"

# relation -> Neo4j relationship type.
RELATION_TYPES: Final[dict[str, str]] = {
    "cooperates_with": "COOPERATES_WITH",
    "party_to": "PARTY_TO",
    "member_of": "MEMBER_OF",
    "coordinates": "COORDINATES",
    "implements": "IMPLEMENTS",
    "submits": "SUBMITS",
    "participates_in": "PARTICIPATES_IN",
    "funds": "FUNDS",
    "part_of": "PART_OF",
    "subordinate_to": "SUBORDINATE_TO",
    "located_in": "LOCATED_IN",
    "holds_position": "HOLDS_POSITION",
    "serves": "SERVES",
    "organises": "ORGANISES",
    "hosts": "HOSTS",
    "about": "ABOUT",
    "sets_target": "SETS_TARGET",
    "refers_to": "REFERS_TO",
    "distinct_from": "DISTINCT_FROM",
    "contact_for": "CONTACT_FOR",
    "issues": "ISSUES",
    # a result of a project, not a participant in it: "created and developed in the project"
    "developed_in": "DEVELOPED_IN",
}

# Which kinds each relation may join: (kinds allowed at `from`, kinds allowed at `to`). The seed
# validator and API writes refuse any other pair (graph/validation.py, relation_ends_problem),
# so a relationship question can trust what sits at each end. Read from each relation's meaning in
# docs/ontology.md, a little wider than the seeds use where the meaning plainly allows it.
_ACTORS = ACTOR_KINDS
_BODIES = ACTOR_KINDS - {"person"}  # actors that can be an employer, a venue, a funder
_ALL = frozenset(KIND_LABELS)
RELATION_ENDS: Final[dict[str, tuple[frozenset[str], frozenset[str]]]] = {
    "cooperates_with": (_ACTORS, _ACTORS),
    "party_to": (_ACTORS, frozenset({"agreement"})),
    # councils hold networks; an umbrella organisation or association has members too
    "member_of": (_ACTORS, frozenset({"council", "organisation"})),
    "coordinates": (_ACTORS, frozenset({"council", "project", "programme", "event"})),
    "implements": (_ACTORS, frozenset({"project", "programme", "agreement", "regulation"})),
    "submits": (_ACTORS, frozenset({"project"})),
    "participates_in": (_ACTORS, frozenset({"project", "programme", "council", "event"})),
    "funds": (_BODIES | {"programme", "project"}, _BODIES | {"project", "programme", "event"}),
    # a unit in its organisation, a measure in its programme, a working group in its council, a
    # county in a wider region, a sub-project or a session in the whole
    "part_of": (
        frozenset({"org_unit", "council", "school", "region", "programme", "project", "event"}),
        _BODIES | {"programme", "project", "event"},
    ),
    "subordinate_to": (_BODIES - {"region"}, _BODIES - {"region"}),
    "located_in": (_BODIES | {"project", "event"}, frozenset({"municipality", "region"})),
    "holds_position": (frozenset({"person"}), _BODIES | {"project"}),
    # a counsellor, or the centre or service that provides counselling
    "serves": (
        frozenset({"person", "org_unit", "organisation", "agency"}),
        frozenset({"school", "university"}),
    ),
    "organises": (_ACTORS | {"project", "programme"}, frozenset({"event"})),
    "hosts": (_BODIES, frozenset({"event"})),
    "about": (
        frozenset({"event"}),
        frozenset({"project", "programme", "council", "agreement", "regulation", "target"}),
    ),
    "sets_target": (_BODIES | {"project", "programme", "regulation", "agreement"}, frozenset({"target"})),
    "refers_to": (
        frozenset({"project", "programme", "regulation", "agreement"}),
        frozenset({"regulation", "programme", "agreement"}),
    ),
    "issues": (_ACTORS, frozenset({"regulation"})),
    "distinct_from": (_ALL, _ALL),
    "contact_for": (frozenset({"person"}), _BODIES | {"project", "programme", "event"}),
    # what a project (or programme) created: a network, a unit, an agreement, a regulation
    "developed_in": (
        frozenset({"council", "org_unit", "organisation", "programme", "agreement", "regulation"}),
        frozenset({"project", "programme"}),
    ),
}

# Which relation needs which extra field.
RELATION_REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "distinct_from": ("note",),
}
# Which relation needs at least one of these fields: a position is stated by its title or, where
# a source gives none, by the role it describes ("leads the unit"); a contact by what for.
RELATION_REQUIRED_ONE_OF: Final[dict[str, tuple[str, ...]]] = {
    "holds_position": ("title", "role"),
    "contact_for": ("role",),
}

# In the order the API lists them.
COUNTRIES: Final[tuple[str, ...]] = ("EE", "LV", "FI", "EU")
LANGUAGES: Final[frozenset[str]] = frozenset({"et", "lv", "fi", "en", "ru"})

# Entity fields by kind, beyond the common ones; value: the Python types accepted.
NUMBER = (int, float)
KIND_FIELDS: Final[dict[str, dict[str, tuple[type, ...]]]] = {
    "project": {
        "budget_total": NUMBER,
        "grant": NUMBER,
        "own_contribution": NUMBER,
        "currency": (str,),
        "start": (str,),
        "end": (str,),
        # a count a source states, not a goal: how many institutions take part
        "participating_institutions": (int,),
    },
    "event": {"start": (str,), "end": (str,), "venue": (str,), "planned": (bool,)},
    "agreement": {"signed": (str,)},
    "regulation": {"adopted": (str,)},
    "target": {"metric": (str,), "value": NUMBER, "year": (int,)},
    "school": {"students": (int,)},
    "council": {"meets_per_year_min": (int,)},
}
DATE_FIELDS: Final[frozenset[str]] = frozenset({"start", "end", "signed", "adopted"})
