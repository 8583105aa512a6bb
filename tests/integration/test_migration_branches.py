"""Each feature's migrations upgrade alone from an empty database: every revision names the
branches it needs in `depends_on`, so no branch works only because another ran first."""
from __future__ import annotations

import shutil
import uuid

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from api.config import ROOT
from api.migrate import alembic_config

SCRIPTS = ScriptDirectory.from_config(alembic_config("sqlite://"))
HEADS = sorted(SCRIPTS.get_heads())


@pytest.fixture
def empty_database(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    name = f"pbx_branch_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield database_url.rsplit("/", 1)[0] + "/" + name
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.mark.parametrize("head", HEADS)
def test_a_feature_branch_upgrades_alone_on_an_empty_database(empty_database, head):
    config = alembic_config(empty_database)
    command.upgrade(config, head)
    engine = sa.create_engine(empty_database.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        versions = set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    engine.dispose()
    assert head in versions


def _graph_before_numbers_moved(tmp_path):
    """The scripts as released before `0014n` moved under `0006`: its parent was the
    foundation and it depended on `0002` and `0006`."""
    scripts = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    numbers = scripts / "versions" / "0014n_number_registry.py"
    source = numbers.read_text()
    for today, released in (("down_revision = '0006'", "down_revision = '0001'"),
                            ("depends_on = '0002'", "depends_on = ('0002', '0006')")):
        assert today in source
        source = source.replace(today, released)
    numbers.write_text(source)
    return str(scripts)


def _applied(url) -> tuple[set[str], set[str]]:
    """Every revision the database's version rows stand for (their ancestors and what they
    depend on), and its tables."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = tuple(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    return {r.revision for r in SCRIPTS.iterate_revisions(rows, "base")}, tables


def test_a_database_migrated_with_the_released_graph_upgrades_cleanly(empty_database, tmp_path):
    old = alembic_config(empty_database)
    old.set_main_option("script_location", _graph_before_numbers_moved(tmp_path))
    command.upgrade(old, "heads")

    config = alembic_config(empty_database)
    everything = {r.revision for r in SCRIPTS.walk_revisions()}
    command.upgrade(config, "heads")
    applied, tables = _applied(empty_database)
    assert applied == everything and {"numbers", "number_series"} <= tables
    # its version rows fit the new graph: the registry steps down alone and comes back
    command.downgrade(config, "0014n@-1")
    applied, tables = _applied(empty_database)
    assert applied == everything - {"0014n"} and "numbers" not in tables
    command.upgrade(config, "heads")
    assert _applied(empty_database)[0] == everything
