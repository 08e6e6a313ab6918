"""members' phones and référent·es, required référent·es per shift, practical needs of stays

Revision ID: f3b8d2c61a07
Revises: f3b8d2a6c915
Create Date: 2026-12-01 03:00:00

Existing rows keep their meaning: no member has a phone or is a référent·e, no shift type or
shift requires one (so every night keeps its readiness), no stay carries a need. The default
list of practical needs is added, in French and English.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8d2c61a07'
down_revision = 'f3b8d2a6c915'
branch_labels = None
depends_on = None

DEFAULT_NEEDS = [
    ("végétarien·ne", "vegetarian"),
    ("sans porc", "no pork"),
    ("sans viande", "no meat"),
    ("sans gluten", "gluten-free"),
    ("allergie alimentaire", "food allergy"),
    ("bébé", "baby"),
    ("fauteuil roulant", "wheelchair"),
]


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column('phone_shared', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('is_lead', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    for table in ('shift_types', 'shifts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('min_leads', sa.Integer(), nullable=False, server_default='0')
            )
            batch_op.create_check_constraint(
                op.f(f'ck_{table}_min_leads_not_negative'), 'min_leads >= 0'
            )
    needs = op.create_table('practical_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label_fr', sa.String(length=40), nullable=False),
    sa.Column('label_en', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_needs'))
    )
    op.create_table('stay_needs',
    sa.Column('stay_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.CheckConstraint('people >= 1', name=op.f('ck_stay_needs_people_positive')),
    sa.ForeignKeyConstraint(['need_id'], ['practical_needs.id'], name=op.f('fk_stay_needs_need_id_practical_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stay_id'], ['stays.id'], name=op.f('fk_stay_needs_stay_id_stays'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('stay_id', 'need_id', name=op.f('pk_stay_needs'))
    )
    with op.batch_alter_table('stay_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stay_needs_need_id'), ['need_id'], unique=False)
    op.bulk_insert(needs, [
        {"label_fr": fr, "label_en": en, "position": index, "active": True}
        for index, (fr, en) in enumerate(DEFAULT_NEEDS)
    ])


def downgrade():
    with op.batch_alter_table('stay_needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stay_needs_need_id'))
    op.drop_table('stay_needs')
    op.drop_table('practical_needs')
    for table in ('shifts', 'shift_types'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_min_leads_not_negative'), type_='check')
            batch_op.drop_column('min_leads')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_lead')
        batch_op.drop_column('phone_shared')
        batch_op.drop_column('phone')
