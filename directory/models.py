"""Directory tables: entries (organisations and networks), their services, the taxonomy
of themes and areas, import batches, provenance records, proposed edits and anti-spam
attempts.

Fields only; the rules live in ``directory.service``, ``directory.moderation`` and
``directory.importer``. The search index's two tables
(``directory_search_word``, ``directory_search_text``) are created by the migration and
written by ``directory.search.index``, not declared here (PostgreSQL's ``COLLATE "C"``
and a key without an id are beyond what a model declares).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Kind(StrEnum):
    STATUTORY = "statutory"
    VOLUNTARY = "voluntary"
    COMMUNITY = "community"
    NETWORK = "network"
    BUSINESS = "business"
    FAITH = "faith"
    OTHER = "other"


KIND_LABELS = {
    Kind.STATUTORY: "Statutory agency",
    Kind.VOLUNTARY: "Voluntary organisation",
    Kind.COMMUNITY: "Community group",
    Kind.NETWORK: "Network",
    Kind.BUSINESS: "Business",
    Kind.FAITH: "Faith group",
    Kind.OTHER: "Other",
}
KIND_NOT_KNOWN = "Kind not known"  # staff pages; a published entry always has a kind


class Status(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    ARCHIVED = "archived"


class How(StrEnum):
    """How an entry came to be known."""

    SELF_LISTED = "self_listed"
    STAFF = "staff"
    IMPORTED = "imported"
    NOMINATED = "nominated"
    REGISTERED = "registered"  # a delegate registered for an event on its behalf
    MERGED = "merged"


HOW_LABELS = {
    How.SELF_LISTED: "Self-listed",
    How.STAFF: "Added by staff",
    How.IMPORTED: "Imported",
    How.NOMINATED: "Nominated",
    How.REGISTERED: "Registered for an event",
    How.MERGED: "Merged",
}


class ChangeStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Theme(Model):
    """A term of the themes taxonomy (e.g. knife crime, domestic abuse)."""

    id = fields.IntField(primary_key=True)
    uuid = fields.CharField(max_length=36, unique=True)
    name = fields.CharField(max_length=100, unique=True)
    slug = fields.CharField(max_length=100, unique=True)
    description = fields.TextField(default="")

    class Meta:
        table = "directory_theme"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(Model):
    """An area served (the demo uses Southampton's wards)."""

    id = fields.IntField(primary_key=True)
    uuid = fields.CharField(max_length=36, unique=True)
    name = fields.CharField(max_length=100, unique=True)
    slug = fields.CharField(max_length=100, unique=True)

    class Meta:
        table = "directory_area"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BatchStatus(StrEnum):
    IMPORTING = "importing"  # started; its transaction has not finished
    COMPLETE = "complete"
    FAILED = "failed"  # nothing was saved (the import is one transaction)
    UNDONE = "undone"


class ImportBatch(Model):
    """One run of the spreadsheet import (``directory.importer``): what it read, what it
    made, and whether it was undone. Its entries point back to it (``Entry.import_batch``)."""

    id = fields.IntField(primary_key=True)
    uuid = fields.CharField(max_length=36, unique=True)
    source = fields.CharField(max_length=300)  # the file's name, cleaned
    created_at = fields.DatetimeField()
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    rows = fields.IntField(default=0)  # rows read below the heading
    created = fields.IntField(default=0)  # entries made
    skipped = fields.IntField(default=0)  # bad rows left out (--skip-bad-rows)
    publish = fields.BooleanField(default=False)  # imported as published, not pending
    status = fields.CharEnumField(BatchStatus, max_length=12)
    message = fields.TextField(default="")  # what happened, for staff (e.g. why it failed)
    finished_at = fields.DatetimeField(null=True)
    undone_at = fields.DatetimeField(null=True)
    undone_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    undone_by_id: int | None

    class Meta:
        table = "directory_import_batch"


class Entry(Model):
    """An organisation or network in the directory."""

    id = fields.IntField(primary_key=True)
    uuid = fields.CharField(max_length=36, unique=True)
    # None when nobody has said yet (an entry nominated at an event): such an entry
    # cannot be published (directory.moderation.publish_problems) until a kind is chosen.
    kind = fields.CharEnumField(Kind, max_length=20, null=True)
    name = fields.CharField(max_length=200)
    # The name folded as search folds it (directory.search.text.name_key), kept by the
    # writers of names: entries named alike are one indexed lookup away.
    name_key = fields.CharField(max_length=200, default="", db_index=True)
    alternate_names = fields.TextField(default="")  # one per line
    description = fields.TextField(default="")
    website = fields.CharField(max_length=300, default="")
    website_domain = fields.CharField(max_length=200, default="", db_index=True)
    email = fields.CharField(max_length=254, default="", db_index=True)
    phone = fields.CharField(max_length=40, default="")
    address = fields.TextField(default="")
    town = fields.CharField(max_length=100, default="")
    postcode = fields.CharField(max_length=10, default="", db_index=True)
    hide_address = fields.BooleanField(default=False)
    charity_number = fields.CharField(max_length=20, default="", db_index=True)
    company_number = fields.CharField(max_length=20, default="")
    opening_times = fields.TextField(default="")
    accessibility = fields.TextField(default="")
    languages = fields.CharField(max_length=300, default="")
    contact_name = fields.CharField(max_length=200, default="")  # private
    contact_email = fields.CharField(max_length=254, default="")  # private
    status = fields.CharEnumField(Status, max_length=12, db_index=True)
    confirmed_at = fields.DatetimeField(null=True)
    # When the entry's contact confirmed they want it listed (a self-listed group's
    # confirmation counts): the "you are in the directory" email goes only after this.
    contact_confirmed_at = fields.DatetimeField(null=True)
    # An entry from an event whose contact the delegate named: when that contact was
    # asked to confirm (once per entry, directory.service.ask_contact), and when they
    # said no (the entry is then hidden and must not be published).
    contact_asked_at = fields.DatetimeField(null=True)
    contact_declined_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    reviewed_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # Indexed: deleting entries (undoing an import) looks for entries merged into each.
    merged_into: fields.ForeignKeyNullableRelation[Entry] = fields.ForeignKeyField(
        "models.Entry", related_name=False, null=True, on_delete=fields.SET_NULL, db_index=True
    )
    # The import that made it (directory.importer); None for every other way in.
    import_batch: fields.ForeignKeyNullableRelation[ImportBatch] = fields.ForeignKeyField(
        "models.ImportBatch",
        related_name="entries",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    moderation_note = fields.TextField(default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    themes: fields.ManyToManyRelation[Theme] = fields.ManyToManyField(
        "models.Theme",
        through="directory_entry_theme",
        backward_key="entry_id",
        forward_key="theme_id",
        related_name="entries",
    )
    areas: fields.ManyToManyRelation[Area] = fields.ManyToManyField(
        "models.Area",
        through="directory_entry_area",
        backward_key="entry_id",
        forward_key="area_id",
        related_name="entries",
    )

    services: fields.ReverseRelation[Service]
    provenance: fields.ReverseRelation[Provenance]
    merged_into_id: int | None
    import_batch_id: int | None
    reviewed_by_id: int | None

    class Meta:
        table = "directory_entry"
        # Search joins its matches to their entries for these columns only: an index
        # holding all four is read instead of the whole (wide) table.
        indexes = (("id", "status", "kind", "name_key"),)

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[Kind(self.kind)] if self.kind else KIND_NOT_KNOWN

    @property
    def alternate_name_list(self) -> list[str]:
        return [n.strip() for n in self.alternate_names.splitlines() if n.strip()]


class Service(Model):
    """A service an entry offers."""

    id = fields.IntField(primary_key=True)
    uuid = fields.CharField(max_length=36, unique=True)
    entry: fields.ForeignKeyRelation[Entry] = fields.ForeignKeyField(
        "models.Entry", related_name="services", on_delete=fields.CASCADE, db_index=True
    )
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    who_for = fields.TextField(default="")
    how_to_access = fields.TextField(default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "directory_service"
        ordering = ["position", "id"]


class Provenance(Model):
    """How an entry came to be known, e.g. self-listed, or 'registered for <event>'."""

    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[Entry] = fields.ForeignKeyField(
        "models.Entry", related_name="provenance", on_delete=fields.CASCADE, db_index=True
    )
    how = fields.CharEnumField(How, max_length=20)
    source = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "directory_provenance"
        ordering = ["created_at", "id"]

    @property
    def how_label(self) -> str:
        return HOW_LABELS[How(self.how)]


class EntryChange(Model):
    """Changes a listed group proposed to its published entry, waiting for a moderator."""

    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[Entry] = fields.ForeignKeyField(
        "models.Entry", related_name="changes", on_delete=fields.CASCADE, db_index=True
    )
    data = fields.TextField()  # JSON of the proposed fields
    # JSON of what the entry said for each field the group changed, when they sent the
    # change (directory.service.submit_edit); None for changes sent before it was kept.
    base = fields.TextField(null=True)
    status = fields.CharEnumField(ChangeStatus, max_length=10, db_index=True)
    submitted_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    entry_id: int

    class Meta:
        table = "directory_entry_change"


class PublicAttempt(Model):
    """One public form submission, kept for the rate limit; the key is a hash."""

    id = fields.IntField(primary_key=True)
    action = fields.CharField(max_length=20)
    client_key = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    class Meta:
        table = "directory_public_attempt"
        indexes = (("action", "client_key", "created_at"),)
