"""Invite-only events: invitations, registrations, waitlist, calendar invites, check-in."""
