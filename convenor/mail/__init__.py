"""Email for Convenor: building messages, delivering them, and the outbox.

``message`` builds RFC 5322 messages (with calendar parts) from plain values, and
``wire`` writes the same messages' bytes directly; both write the headers people's text
reaches through ``headers``. ``transport`` delivers them over SMTP (settings from
``smtp_config``) or into a local mailbox directory. These are pure of the database; the
outbox (``models``, ``outbox``), the delivery worker (``worker``) and the admins' Outbox
pages (``pages``) sit on top of them.
"""
