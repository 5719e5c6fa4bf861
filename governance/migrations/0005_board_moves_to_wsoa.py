"""Governance's foreign keys follow Board to wsoa; governance.Board leaves the state.

State only: the table keeps its name (governance_board), so no row moves and no
column changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0004_alter_action_boards'),
        ('governance', '0004_meeting_time_is_known_pack_issuer'),
        ('wsoa', '0002_board'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.AlterField(
            model_name='historicalboardmember',
            name='board',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='wsoa.board'),
        ),
        migrations.AlterField(
            model_name='boardmember',
            name='board',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='wsoa.board'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='board',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='wsoa.board'),
        ),
        migrations.AlterField(
            model_name='meetingaction',
            name='board',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meeting_actions', to='wsoa.board'),
        ),
        migrations.AlterField(
            model_name='forwardplanitem',
            name='board',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='forward_plan', to='wsoa.board'),
        ),
        migrations.AlterField(
            model_name='historicalforwardplanitem',
            name='board',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='wsoa.board'),
        ),
        migrations.AlterField(
            model_name='historicalmeeting',
            name='board',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='wsoa.board'),
        ),
        migrations.DeleteModel(
            name='Board',
        ),
    ],
        ),
    ]
