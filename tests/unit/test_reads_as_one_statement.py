"""Reads sent as one statement (PostgreSQL) may share a parameter only when it means the
same value in each: the login check and the unread count both name the user and company."""
from __future__ import annotations

import pytest

from api.core.prepared import _as_one_statement


def test_reads_sharing_a_parameter_of_the_same_value_go_as_one_statement():
    sql, args = _as_one_statement([("SELECT a FROM t WHERE u = %(uid)s", {"uid": 7}),
                                   ("SELECT b FROM s WHERE u = %(uid)s AND k = %(k)s",
                                    {"uid": 7, "k": 1})])
    assert args == {"uid": 7, "k": 1}
    assert sql.count("LEFT JOIN") == 2


def test_reads_giving_one_parameter_two_values_are_refused():
    with pytest.raises(ValueError, match="same value"):
        _as_one_statement([("SELECT a FROM t WHERE u = %(uid)s", {"uid": 7}),
                           ("SELECT b FROM s WHERE u = %(uid)s", {"uid": 8})])
