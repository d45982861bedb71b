"""Demo data: staff accounts and each domain's part of the founding example.

In development the demo accounts get a fixed, printed password so that `make run`
can always say how to sign in; in production each gets a random one, printed once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from convenor import auth
from convenor.domains import domain_attr
from convenor.models import Role, User
from convenor.settings import Settings

DEV_PASSWORD = "summit-demo-password"
DEMO_ACCOUNTS = (
    ("organiser@example.org", "Olivia Organiser", Role.ORGANISER),
    ("moderator@example.org", "Mo Moderator", Role.MODERATOR),
    ("admin@example.org", "Ada Admin", Role.ADMIN),
)


@dataclass
class DemoLogins:
    created: bool
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # email, role, password


def demo_password(settings: Settings) -> str:
    return secrets.token_urlsafe(12) if settings.is_production else DEV_PASSWORD


async def load_demo(settings: Settings) -> DemoLogins:
    """Load the demo summit if the database has no staff users; creates accounts and data."""
    if await User.all().exists():
        logins = DemoLogins(created=False)
        if not settings.is_production:
            for email, _, role in DEMO_ACCOUNTS:
                if await User.filter(email=email).exists():
                    logins.accounts.append((email, role.value, DEV_PASSWORD))
        return logins
    logins = DemoLogins(created=True)
    for email, name, role in DEMO_ACCOUNTS:
        password = demo_password(settings)
        await auth.create_user(email, role, password, name=name)
        logins.accounts.append((email, role.value, password))
    for loader in domain_attr(settings.domains, "demo", "load_demo"):
        await loader(settings)
    return logins
