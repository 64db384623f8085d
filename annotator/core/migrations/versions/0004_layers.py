"""layers: revisions of the human layer, OCR runs, speaker suggestions; page.status

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Pages that already carry human work (a correction, translation or speaker) start
``in_progress``, the others ``new``.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('old_value', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('new_value', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('coder_id', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_revision_coder_id_coder'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revision')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revision_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revision_region_id'), ['region_id'], unique=False)

    op.create_table('ocr_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('engine', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('engine_version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('readings', sa.JSON(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['page.id'], name=op.f('fk_ocr_run_page_id_page'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ocr_run')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('ocr_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ocr_run_page_id'), ['page_id'], unique=False)

    op.create_table('speaker_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('character_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['character_id'], ['character.id'], name=op.f('fk_speaker_suggestion_character_id_character'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_speaker_suggestion_coder_id_coder'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['textregion.id'], name=op.f('fk_speaker_suggestion_region_id_textregion'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_suggestion')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('speaker_suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_suggestion_character_id'), ['character_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_speaker_suggestion_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_speaker_suggestion_region_id'), ['region_id'], unique=False)

    # Plain ALTERs, not a batch copy: recreating ``page`` would make SQLite (foreign keys on)
    # delete every panel and region through ON DELETE CASCADE when the old table is dropped.
    op.add_column('page', sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                    server_default='new'))
    op.create_index(op.f('ix_page_status'), 'page', ['status'], unique=False)
    op.execute("UPDATE page SET status = 'in_progress' WHERE id IN (SELECT page_id FROM textregion"
               " WHERE text IS NOT NULL OR translation <> '' OR speaker_id IS NOT NULL)")


def downgrade() -> None:
    op.drop_index(op.f('ix_page_status'), table_name='page')
    op.drop_column('page', 'status')  # ALTER TABLE DROP COLUMN (SQLite >= 3.35), no table copy

    with op.batch_alter_table('speaker_suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_suggestion_region_id'))
        batch_op.drop_index(batch_op.f('ix_speaker_suggestion_coder_id'))
        batch_op.drop_index(batch_op.f('ix_speaker_suggestion_character_id'))

    op.drop_table('speaker_suggestion')
    with op.batch_alter_table('ocr_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ocr_run_page_id'))

    op.drop_table('ocr_run')
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revision_region_id'))
        batch_op.drop_index(batch_op.f('ix_revision_coder_id'))

    op.drop_table('revision')
