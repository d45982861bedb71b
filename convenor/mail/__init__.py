"""Email for Convenor: building messages, delivering them, and the outbox.

``message`` builds RFC 5322 messages (with calendar parts) from plain values,
``transport`` delivers them over SMTP or into a local mailbox directory. Both are
pure of the database; the outbox model and the delivery worker sit on top of them.
"""
