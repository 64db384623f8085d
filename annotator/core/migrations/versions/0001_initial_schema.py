"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('character',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('affiliation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('portrait', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_character')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('character', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_character_name'), ['name'], unique=False)

    op.create_table('coder',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coder')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('coder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coder_name'), ['name'], unique=True)

    op.create_table('motif',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('keywords_en', sa.JSON(), nullable=False),
    sa.Column('keywords_zh', sa.JSON(), nullable=False),
    sa.Column('colour', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shortcut', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['motif.id'], name=op.f('fk_motif_parent_id_motif'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motif')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('motif', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motif_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_motif_parent_id'), ['parent_id'], unique=False)

    op.create_table('series',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_zh', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('publisher', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_name'), ['name'], unique=False)

    op.create_table('setting',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('episode',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title_zh', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('retrieved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['series_id'], ['series.id'], name=op.f('fk_episode_series_id_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_episode')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('episode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_episode_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_episode_series_id'), ['series_id'], unique=False)

    op.create_table('page',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('media_sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('media_path', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('original_filename', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('segmented_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('ocr_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['episode_id'], ['episode.id'], name=op.f('fk_page_episode_id_episode'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page')),
    sa.UniqueConstraint('episode_id', 'media_sha256', name='uq_page_episode_media'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_episode_id'), ['episode_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_media_sha256'), ['media_sha256'], unique=False)

    op.create_table('panel',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('polygon', sa.JSON(), nullable=False),
    sa.Column('x', sa.Integer(), nullable=False),
    sa.Column('y', sa.Integer(), nullable=False),
    sa.Column('w', sa.Integer(), nullable=False),
    sa.Column('h', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('memo', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['page.id'], name=op.f('fk_panel_page_id_page'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_page_id'), ['page_id'], unique=False)

    op.create_table('appearance',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('character_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['character_id'], ['character.id'], name=op.f('fk_appearance_character_id_character'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_appearance_coder_id_coder'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_appearance_panel_id_panel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appearance')),
    sa.UniqueConstraint('character_id', 'panel_id', name='uq_appearance_character_panel'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('appearance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appearance_character_id'), ['character_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appearance_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appearance_panel_id'), ['panel_id'], unique=False)

    op.create_table('textregion',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=True),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('polygon', sa.JSON(), nullable=False),
    sa.Column('x', sa.Integer(), nullable=False),
    sa.Column('y', sa.Integer(), nullable=False),
    sa.Column('w', sa.Integer(), nullable=False),
    sa.Column('h', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('vertical', sa.Boolean(), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ocr_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('ocr_engine', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('ocr_engine_version', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('ocr_confidence', sa.Float(), nullable=True),
    sa.Column('ocr_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('ocr_differs', sa.Boolean(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('translation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['page_id'], ['page.id'], name=op.f('fk_textregion_page_id_page'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_textregion_panel_id_panel'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['speaker_id'], ['character.id'], name=op.f('fk_textregion_speaker_id_character'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_textregion')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('textregion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_textregion_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_textregion_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_textregion_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('coding',
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motif_id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=True),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('panel_id', sa.Integer(), nullable=True),
    sa.Column('text_region_id', sa.Integer(), nullable=True),
    sa.Column('coder_id', sa.Integer(), nullable=True),
    sa.Column('memo', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.CheckConstraint('(CASE WHEN episode_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN page_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN panel_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN text_region_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_coding_one_target')),
    sa.ForeignKeyConstraint(['coder_id'], ['coder.id'], name=op.f('fk_coding_coder_id_coder'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['episode_id'], ['episode.id'], name=op.f('fk_coding_episode_id_episode'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['motif_id'], ['motif.id'], name=op.f('fk_coding_motif_id_motif'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['page_id'], ['page.id'], name=op.f('fk_coding_page_id_page'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_coding_panel_id_panel'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['text_region_id'], ['textregion.id'], name=op.f('fk_coding_text_region_id_textregion'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coding')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coding_coder_id'), ['coder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coding_episode_id'), ['episode_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coding_motif_id'), ['motif_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coding_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coding_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coding_text_region_id'), ['text_region_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('coding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coding_text_region_id'))
        batch_op.drop_index(batch_op.f('ix_coding_panel_id'))
        batch_op.drop_index(batch_op.f('ix_coding_page_id'))
        batch_op.drop_index(batch_op.f('ix_coding_motif_id'))
        batch_op.drop_index(batch_op.f('ix_coding_episode_id'))
        batch_op.drop_index(batch_op.f('ix_coding_coder_id'))

    op.drop_table('coding')
    with op.batch_alter_table('textregion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_textregion_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_textregion_panel_id'))
        batch_op.drop_index(batch_op.f('ix_textregion_page_id'))

    op.drop_table('textregion')
    with op.batch_alter_table('appearance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appearance_panel_id'))
        batch_op.drop_index(batch_op.f('ix_appearance_coder_id'))
        batch_op.drop_index(batch_op.f('ix_appearance_character_id'))

    op.drop_table('appearance')
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_page_id'))

    op.drop_table('panel')
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_media_sha256'))
        batch_op.drop_index(batch_op.f('ix_page_episode_id'))

    op.drop_table('page')
    with op.batch_alter_table('episode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_episode_series_id'))
        batch_op.drop_index(batch_op.f('ix_episode_number'))

    op.drop_table('episode')
    op.drop_table('setting')
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_name'))

    op.drop_table('series')
    with op.batch_alter_table('motif', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motif_parent_id'))
        batch_op.drop_index(batch_op.f('ix_motif_name'))

    op.drop_table('motif')
    with op.batch_alter_table('coder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coder_name'))

    op.drop_table('coder')
    with op.batch_alter_table('character', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_character_name'))

    op.drop_table('character')
