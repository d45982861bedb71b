"""The community directory: organisations and networks, self-listing, moderation, search.

Knows nothing of events or plans; they link to it.
"""
