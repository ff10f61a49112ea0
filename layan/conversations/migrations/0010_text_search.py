"""The desk's search over what customers wrote: each conversation's analysed words
(ConversationText), a full-text index over them in each database's own kind, and a flag on
each message until the worker has read it (existing messages are read after the upgrade)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# SQLite: an FTS5 table over ConversationText.terms (external content, kept by triggers). The
# terms are already analysed, so the "ascii" tokenizer only splits them where they were joined
# (spaces) and keeps Chinese words whole.
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE conversations_text_fts USING fts5(
        terms, content='conversations_conversationtext', content_rowid='conversation_id',
        tokenize='ascii')""",
    """CREATE TRIGGER conversations_text_insert AFTER INSERT ON conversations_conversationtext
    BEGIN
        INSERT INTO conversations_text_fts(rowid, terms) VALUES (new.conversation_id, new.terms);
    END""",
    """CREATE TRIGGER conversations_text_delete AFTER DELETE ON conversations_conversationtext
    BEGIN
        INSERT INTO conversations_text_fts(conversations_text_fts, rowid, terms)
        VALUES ('delete', old.conversation_id, old.terms);
    END""",
    """CREATE TRIGGER conversations_text_update AFTER UPDATE ON conversations_conversationtext
    BEGIN
        INSERT INTO conversations_text_fts(conversations_text_fts, rowid, terms)
        VALUES ('delete', old.conversation_id, old.terms);
        INSERT INTO conversations_text_fts(rowid, terms) VALUES (new.conversation_id, new.terms);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS conversations_text_insert",
    "DROP TRIGGER IF EXISTS conversations_text_delete",
    "DROP TRIGGER IF EXISTS conversations_text_update",
    "DROP TABLE IF EXISTS conversations_text_fts",
]
# PostgreSQL: a GIN index over the terms taken as lexemes as they are (no parser, no
# dictionary); conversations.textsearch queries the same expression.
POSTGRESQL_FORWARD = [
    """CREATE INDEX conversations_text_terms ON conversations_conversationtext
    USING gin (array_to_tsvector(string_to_array(NULLIF(terms, ''), ' ')))""",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS conversations_text_terms"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0009_tasks_beside_services"),
        ("inboxes", "0006_queued"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ConversationText",
            fields=[
                (
                    "conversation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="conversations.conversation",
                    ),
                ),
                ("terms", models.TextField(blank=True)),
            ],
        ),
        migrations.AddField(
            model_name="message",
            name="text_indexed",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                condition=models.Q(("text_indexed", False)),
                fields=["id"],
                name="message_text_pending",
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
