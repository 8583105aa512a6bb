"""A SQLite engine reads its JSON columns back exactly, integers past 64 bits included
(orjson reads those as floats: the engine's reader hands them to the standard library)."""
from __future__ import annotations

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert, select

from api.core.db import make_engine


@pytest.mark.once   # its own SQLite engine, whichever database the pass runs on
def test_a_sqlite_engine_reads_its_json_columns_exactly(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/j.db")
    table = Table("docs", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSON))
    table.metadata.create_all(engine)
    document = {"big": 2**70, "small": -(2**63) - 1, "tags": ["sales"], "f": 0.1}
    with engine.begin() as conn:
        conn.execute(insert(table).values(id=1, doc=document))
    with engine.connect() as conn:
        read = conn.execute(select(table.c.doc)).scalar_one()
    engine.dispose()
    assert read == document and repr(read) == repr(document)   # 2**70 stays an int
