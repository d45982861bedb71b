"""Events, invite-only by default (or unlisted, or public with requests for a place):
invitations, registrations, waitlist, calendar invites, reminders, check-in."""
