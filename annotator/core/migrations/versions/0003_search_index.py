"""search index (search_doc + FTS5 on SQLite, pg_trgm on PostgreSQL); coding.source

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from annotator.core import search_index

    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.alter_column('source', server_default=None)
    op.create_table(
        'search_doc',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('field', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=True),
        sa.Column('coding_id', sa.Integer(), nullable=True),
        sa.Column('character_id', sa.Integer(), nullable=True),
        sa.Column('motif_id', sa.Integer(), nullable=True),
        sa.Column('pos', sa.BigInteger(), nullable=False),
        sa.Column('folded', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(['character_id'], ['character.id'], name=op.f('fk_search_doc_character_id_character'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['coding_id'], ['coding.id'], name=op.f('fk_search_doc_coding_id_coding'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['motif_id'], ['motif.id'], name=op.f('fk_search_doc_motif_id_motif'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['region_id'], ['textregion.id'], name=op.f('fk_search_doc_region_id_textregion'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_doc')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('search_doc', schema=None) as batch_op:
        for column in ('character_id', 'coding_id', 'motif_id', 'pos', 'region_id'):
            batch_op.create_index(batch_op.f(f'ix_search_doc_{column}'), [column], unique=False)
    conn = op.get_bind()
    search_index.create_index_objects(conn)
    search_index.rebuild(conn)


def downgrade() -> None:
    from annotator.core import search_index

    search_index.drop_index_objects(op.get_bind())
    op.drop_table('search_doc')
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.drop_column('source')
