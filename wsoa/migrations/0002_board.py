"""Boards move from governance to wsoa (they own work that actions and KPIs name).

State only: the table keeps its name (governance_board), so no row moves and no
column changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('wsoa', '0001_initial'),
        ('governance', '0004_meeting_time_is_known_pack_issuer'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='Board',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('modified_at', models.DateTimeField(auto_now=True)),
                ('name', models.CharField(max_length=200)),
                ('short_name', models.CharField(blank=True, help_text='How plans abbreviate it, e.g. AfC PQI Board.', max_length=100)),
                ('activity', models.TextField(blank=True, help_text='What it does, as written.', verbose_name='remit')),
                ('frequency', models.CharField(blank=True, help_text='How often it meets, as written: Monthly, Termly…', max_length=100)),
                ('is_active', models.BooleanField(default=True)),
                ('area', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='boards', to='wsoa.localarea')),
                ('concerns', models.ManyToManyField(blank=True, related_name='boards', to='wsoa.concern')),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='boards', to='wsoa.organisation')),
            ],
            options={
                'db_table': 'governance_board',
                'ordering': ['area__name', 'name'],
                'constraints': [models.UniqueConstraint(fields=('area', 'name'), name='board_name_unique_in_area')],
            },
        ),
    ],
        ),
    ]
