"""The execution context's shortcut for objects whose selection is leaves alone (schema.execution)
answers, and fails, exactly as graphql-core's own path does: the same schema is run both ways."""

from __future__ import annotations

import asyncio
import enum
from datetime import date
from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission
from strawberry.schema.config import StrawberryConfig

from schema.execution import ExecutionContext, type_by_class


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Never(BasePermission):
    message = "not allowed"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.interface
class Named:
    label: str
    resolve_type = staticmethod(type_by_class)


@strawberry.interface
class Shaped:  # Strawberry's own resolve_type: graphql-core's path
    label: str


@strawberry.type
class Owner(Named, Shaped):
    label: str
    age: int | None

    @strawberry.field
    def loud(self) -> str:
        return self.label.upper()


@strawberry.type
class Stranger(Named):
    label: str


@strawberry.type
class Item:
    name: str
    size: int | None
    colour: Colour
    day: date
    required: str  # given None below: graphql-core reports the non-null error
    secret: str = strawberry.field(permission_classes=[Never], default="hidden")
    owner: Owner = strawberry.field(default_factory=lambda: Owner(label="o", age=None))
    maybe: Owner | None = None
    named: Named = strawberry.field(default_factory=lambda: Owner(label="n", age=3))
    shaped: Shaped = strawberry.field(default_factory=lambda: Owner(label="s", age=4))
    # Not an Owner: graphql-core's is_type_of decides (Strawberry's accepts any Named), not the shortcut.
    imposter: Owner = strawberry.field(default_factory=lambda: Stranger(label="x"))
    stranger: Named = strawberry.field(default_factory=lambda: Stranger(label="y"))
    tags: list[str] = strawberry.field(default_factory=lambda: ["t1", "t2"])
    friends: list[Named] = strawberry.field(
        default_factory=lambda: [Owner(label="f", age=1), Stranger(label="g")]
    )
    gaps: list[Owner | None] = strawberry.field(default_factory=lambda: [None, Owner(label="h", age=2)])

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.name.upper() * times


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [
            Item(name="a", size=1, colour=Colour.RED, day=date(2024, 5, 1), required="x"),
            Item(name="b", size=None, colour=Colour.BLUE, day=date(2023, 1, 2), required="y"),
        ]

    @strawberry.field
    def broken(self) -> list[Item]:
        return [Item(name="c", size=3, colour=Colour.RED, day=date(2020, 1, 1), required=None)]  # type: ignore[arg-type]

    @strawberry.field
    def orphan(self) -> list[Item]:
        item = Item(name="d", size=3, colour=Colour.RED, day=date(2020, 1, 1), required="z")
        item.owner = None  # type: ignore[assignment]
        return [item]

    @strawberry.field
    def holey(self) -> list[Item]:
        item = Item(name="e", size=3, colour=Colour.RED, day=date(2020, 1, 1), required="z")
        item.tags = ["t", None]  # type: ignore[list-item]
        return [item]


PLAIN = strawberry.Schema(query=Query, types=[Stranger])
SHORTCUT = strawberry.Schema(query=Query, types=[Stranger], execution_context_class=ExecutionContext)


def _run(schema: strawberry.Schema, query: str) -> tuple[Any, list[Any] | None]:
    result = schema.execute_sync(query)
    return result.data, [e.formatted for e in result.errors] if result.errors else None


def _both(query: str) -> tuple[Any, Any]:
    return _run(PLAIN, query), _run(SHORTCUT, query)


@pytest.mark.parametrize(
    "query",
    [
        "{ items { name size colour day } }",
        "{ items { __typename n: name name size } }",
        "{ items { name ... on Item { colour } ...F } } fragment F on Item { day }",
        "{ items { name @include(if: false) size @skip(if: false) } }",
        "{ items { name shout(times: 2) } }",
        "{ items { name secret } }",
        "{ broken { name required } }",
        "{ broken { name } items { name } }",
        "{ items { name owner { label age __typename } maybe { label } } }",
        "{ items { named { label __typename ... on Owner { age } } shaped { label __typename } } }",
        "{ items { name owner { label age __typename } named { label __typename ... on Owner { age } } } }",
        "{ items { owner { label loud } } }",
        "{ items { name imposter { label } } }",
        "{ items { name stranger { label __typename } named { label } } }",
        "{ items { tags friends { label __typename ... on Owner { age } } gaps { label } } }",
        "{ items { friends { label ... on Owner { loud } } } }",
        "{ holey { name tags } }",
        "{ items { owner { label loud } named { ... on Owner { loud } } } }",
        "{ items { owner { label } } broken { owner { label } } }",
        "{ orphan { name owner { label } } }",
        "{ broken { owner { label } required } }",
    ],
)
def test_leaves_answer_and_fail_as_graphql_core_does(query: str) -> None:
    plain, shortcut = _both(query)
    assert shortcut == plain


def test_a_null_in_a_non_null_leaf_is_still_an_error() -> None:
    data, errors = _both("{ broken { name required } }")[1]
    assert data is None
    assert errors and errors[0]["path"] == ["broken", 0, "required"]


def test_a_null_object_in_a_non_null_field_is_still_an_error() -> None:
    data, errors = _both("{ orphan { name owner { label } } }")[1]
    assert data is None
    assert errors and errors[0]["path"] == ["orphan", 0, "owner"]


# Incremental delivery is off in the service's schema; the shortcut must not undo it if it is on.
_INCREMENTAL = StrawberryConfig(enable_experimental_incremental_execution=True)
PLAIN_INCREMENTAL = strawberry.Schema(query=Query, types=[Stranger], config=_INCREMENTAL)
SHORTCUT_INCREMENTAL = strawberry.Schema(
    query=Query, types=[Stranger], config=_INCREMENTAL, execution_context_class=ExecutionContext
)


async def _payloads(schema: strawberry.Schema, query: str) -> list[Any]:
    result: Any = await schema.execute(query)
    if not hasattr(result, "initial_result"):
        return [result.data]
    payloads: list[Any] = [(result.initial_result.data, repr(result.initial_result.pending))]
    async for later in result.subsequent_results:
        payloads.append((repr(later.incremental), repr(later.completed), later.has_next))
    return payloads


@pytest.mark.parametrize(
    "query",
    [
        "{ items { owner { label } ... @defer { owner { age } } } }",
        "{ items { name ... @defer { owner { label } } } }",
        "{ items { owner { label ... @defer { age } } } }",
    ],
)
def test_deferred_fields_arrive_later_as_graphql_core_sends_them(query: str) -> None:
    plain = asyncio.run(_payloads(PLAIN_INCREMENTAL, query))
    assert len(plain) > 1, "graphql-core sends the deferred part later"
    assert asyncio.run(_payloads(SHORTCUT_INCREMENTAL, query)) == plain
