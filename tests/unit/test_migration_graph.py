"""The Alembic history is one labelled branch per feature off the foundation, with explicit
dependencies between branches (read from the scripts; no database)."""
from __future__ import annotations

from alembic.script import ScriptDirectory

from api.migrate import alembic_config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def test_there_is_one_root_the_foundation():
    assert [r.revision for r in _scripts().walk_revisions() if r.down_revision is None] == ["0001"]


def test_every_revision_after_the_foundation_is_on_a_labelled_branch():
    unlabelled = [r.revision for r in _scripts().walk_revisions()
                  if r.down_revision is not None and not r.branch_labels]
    assert not unlabelled, f"start these on a labelled branch (branch_labels): {unlabelled}"

