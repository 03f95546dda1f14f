"""
API token authentication with one SQL statement per request.

DRF's ``TokenAuthentication`` reads the token and its user with an ORM
``select_related`` whose compilation costs more CPU than the query, and the
first ``user.has_role()`` then runs a second query for the role names. Here
one plain statement returns the user, the token's creation time and the role
names (one row per group); the answers and error messages stay DRF's.
"""

import functools

from django.db import connection
from django.utils.translation import gettext_lazy as _

from drf_spectacular.drainage import set_override
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .models import User

_USER_FIELDS = User._meta.concrete_fields
_TOKEN_CREATED = Token._meta.get_field("created")


def _converters(field) -> list:
    col = field.get_col(field.model._meta.db_table)
    return connection.ops.get_db_converters(col) + field.get_db_converters(connection)


@functools.cache
def _statement(vendor: str) -> tuple[str, tuple[int, ...]]:
    """
    Return the SQL and the positions of the columns that need a converter.

    Both depend on the database backend only, so they are built once per
    process (on PostgreSQL no column needs one; on SQLite the datetimes do).
    """
    fields = [*_USER_FIELDS, _TOKEN_CREATED]
    columns = ", ".join(
        f"u.{connection.ops.quote_name(f.column)}" for f in _USER_FIELDS
    )
    groups = User.groups.through._meta.db_table
    # The LEFT JOINs yield one row per group of the user (or one with NULL).
    sql = (
        f"SELECT {columns}, t.created, g.name "  # noqa: S608 - our table names
        f"FROM {Token._meta.db_table} t "
        f"JOIN {User._meta.db_table} u ON u.id = t.user_id "
        f"LEFT JOIN {groups} ug ON ug.user_id = u.id "
        f"LEFT JOIN auth_group g ON g.id = ug.group_id "
        f"WHERE t.key = %s"
    )
    return sql, tuple(i for i, f in enumerate(fields) if _converters(f))


def _converted(values: list, positions: tuple[int, ...]) -> list:
    """Apply the database converters the ORM would (e.g. aware datetimes on SQLite)."""
    fields = [*_USER_FIELDS, _TOKEN_CREATED]
    for i in positions:
        field = fields[i]
        col = field.get_col(field.model._meta.db_table)
        for converter in _converters(field):
            values[i] = converter(values[i], col, connection)
    return values


class TokenAuthentication(authentication.TokenAuthentication):
    """
    ``Authorization: Token <key>``, as DRF's, in one query with the roles.

    中文：令牌认证
    """

    def authenticate_credentials(self, key: str) -> tuple[User, Token]:
        sql, positions = _statement(connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            rows = cursor.fetchall()
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        n = len(_USER_FIELDS)
        values = _converted(list(rows[0][: n + 1]), positions)
        user = User.from_db(
            connection.alias, [f.attname for f in _USER_FIELDS], values[:n]
        )
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # the cache User.has_role() fills on first use
        user._role_names = {row[n + 1] for row in rows if row[n + 1]}
        token = Token(key=key, user_id=user.pk, created=values[n])
        token.user = user
        return user, token


# The OpenAPI schema describes this class through drf-spectacular's "tokenAuth"
# scheme (matched as a subclass: same header, same keyword), the very scheme
# of DRF's class, so the two are one component and not a name collision.
set_override(TokenAuthentication, "suppress_collision_warning", True)
