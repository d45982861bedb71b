"""The community directory: organisations and networks, self-listing, moderation, search.

Knows nothing of events; events link to it.
"""
