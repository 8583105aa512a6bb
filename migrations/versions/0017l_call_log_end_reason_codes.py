"""call log: why the phone system ended a call is kept as a code, worded when it is read

`call_log.end_reason` held the English sentence ("the gateway restarted"); it now holds a
stable code (`gateway_restarted`, `gateway_silent`) that the API words in the reader's
language. Entries written before are rewritten to their code; downgrading writes the
sentences back.

Revision ID: 0017l
Revises: 0014o
"""
from alembic import op
import sqlalchemy as sa


revision = '0017l'
down_revision = '0014o'
branch_labels = None
depends_on = None

SENTENCES = {"gateway_restarted": "the gateway restarted",
             "gateway_silent": "the gateway stopped answering"}


def _rewrite(pairs) -> None:
    call_log = sa.table('call_log', sa.column('end_reason', sa.String(100)))
    for old, new in pairs:
        op.execute(call_log.update().where(call_log.c.end_reason == old)
                   .values(end_reason=new))


def upgrade() -> None:
    _rewrite((sentence, code) for code, sentence in SENTENCES.items())


def downgrade() -> None:
    _rewrite(SENTENCES.items())
