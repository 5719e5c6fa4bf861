"""Action.boards now points at wsoa.Board: same table, same column.

State only: the table keeps its name (governance_board), so no row moves and no
column changes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0003_initial'),
        ('wsoa', '0002_board'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.AlterField(
            model_name='action',
            name='boards',
            field=models.ManyToManyField(blank=True, related_name='actions_overseen', to='wsoa.board'),
        ),
    ],
        ),
    ]
