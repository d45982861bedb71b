"""Core pages: home, staff sign-in and sign-out, password change, dashboard, staff
accounts (admins), health."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from convenor import accounts, auth
from convenor.cleaning import text_problem
from convenor.db import database_answers
from convenor.errors import Invalid, RateLimited
from convenor.models import Role
from convenor.security import rotate_csrf
from convenor.web import (
    clear_session_cookie,
    client_address,
    redirect,
    render,
    require_staff,
    safe_next,
    set_session_cookie,
    settings_of,
)


async def home(request: Request) -> Response:
    return render(request, "convenor/home.html")


async def login_page(request: Request) -> Response:
    if request.state.user is not None:
        return redirect(safe_next(request.query_params.get("next")))
    context = {
        "errors": {},
        "email": "",
        "next": safe_next(request.query_params.get("next")),
        "message": "",
    }
    if request.query_params.get("signed_out"):
        context["message"] = "You have signed out."
    return render(request, "convenor/login.html", context)


async def login(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email", ""))[:254]
    password = str(form.get("password", ""))[:1024]
    next_url = safe_next(str(form.get("next", "")))
    context = {"email": email, "next": next_url, "message": ""}
    errors = {}
    if not email.strip():
        errors["email"] = "Enter your email address"
    elif problem := text_problem(email):
        errors["email"] = problem  # a NUL cannot even be looked up on PostgreSQL
    if not password:
        errors["password"] = "Enter your password"
    if errors:
        return render(request, "convenor/login.html", {**context, "errors": errors}, 400)
    settings = settings_of(request)
    try:
        user = await auth.authenticate(email, password, client_address(request), settings)
    except RateLimited as exc:
        return render(
            request, "convenor/login.html", {**context, "errors": {"email": exc.message}}, 429
        )
    except Invalid as exc:
        return render(request, "convenor/login.html", {**context, "errors": exc.fields}, 400)
    if request.state.session_key:
        await auth.end_session(request.state.session_key)
    key = await auth.start_session(user)
    response = redirect(next_url)
    set_session_cookie(response, key, settings)
    rotate_csrf(request)
    return response


async def logout(request: Request) -> Response:
    if request.state.session_key:
        await auth.end_session(request.state.session_key)
    response = redirect("/login?signed_out=1")
    clear_session_cookie(response, settings_of(request))
    rotate_csrf(request)
    return response


async def password_page(request: Request) -> Response:
    require_staff(request)
    return render(request, "convenor/password.html", {"errors": {}, "message": ""})


async def change_password(request: Request) -> Response:
    user = require_staff(request)
    form = await request.form()
    try:
        await auth.change_password(
            user,
            str(form.get("current_password", "")),
            str(form.get("new_password", "")),
            keep_session_key=request.state.session_key,
            mail_from=settings_of(request).mail_from,
        )
    except Invalid as exc:
        return render(request, "convenor/password.html", {"errors": exc.fields, "message": ""}, 400)
    return render(
        request,
        "convenor/password.html",
        {
            "errors": {},
            "message": "Your password has been changed. Other sign-ins and your API tokens "
            "have ended.",
        },
    )


async def dashboard(request: Request) -> Response:
    require_staff(request)
    panels = [p for p in request.app.state.dashboard_panels if request.state.user.role in p.roles]
    return render(request, "convenor/dashboard.html", {"panels": panels})


ACCOUNT_NOTICES = {
    "deactivated": "The user has been deactivated. Their sessions and API tokens have ended.",
    "reactivated": "The user can sign in again. Their old sessions and API tokens stay ended.",
    "revoked": "The API token has been revoked.",
}


async def _accounts_page(request: Request, errors: dict[str, str], status: int = 200) -> Response:
    context = {
        "accounts": await accounts.staff_accounts(),
        "token_state": accounts.token_state,
        "errors": errors,
        "notice": ACCOUNT_NOTICES.get(request.query_params.get("done", ""), ""),
    }
    return render(request, "convenor/accounts.html", context, status)


async def staff_accounts(request: Request) -> Response:
    require_staff(request, roles=[Role.ADMIN])
    return await _accounts_page(request, {})


async def deactivate_user(request: Request) -> Response:
    admin = require_staff(request, roles=[Role.ADMIN])
    user_id = accounts.parse_id(request.path_params["user_id"])
    try:
        await accounts.deactivate_user(user_id, by=admin)
    except Invalid as exc:
        return await _accounts_page(request, exc.fields, 400)
    return redirect("/staff/accounts?done=deactivated")


async def reactivate_user(request: Request) -> Response:
    require_staff(request, roles=[Role.ADMIN])
    await accounts.reactivate_user(accounts.parse_id(request.path_params["user_id"]))
    return redirect("/staff/accounts?done=reactivated")


async def revoke_token(request: Request) -> Response:
    require_staff(request, roles=[Role.ADMIN])
    await accounts.revoke_token(accounts.parse_id(request.path_params["token_id"]))
    return redirect("/staff/accounts?done=revoked")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    if await database_answers():
        return JSONResponse({"status": "ok", "database": "ok"})
    return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)


routes = [
    Route("/", home, name="home"),
    Route("/login", login_page, methods=["GET"], name="login"),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/account/password", password_page, methods=["GET"], name="password"),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/staff", dashboard, name="dashboard"),
    Route("/staff/accounts", staff_accounts, methods=["GET"], name="staff_accounts"),
    Route("/staff/accounts/{user_id}/deactivate", deactivate_user, methods=["POST"]),
    Route("/staff/accounts/{user_id}/reactivate", reactivate_user, methods=["POST"]),
    Route("/staff/accounts/tokens/{token_id}/revoke", revoke_token, methods=["POST"]),
    Route("/healthz", healthz, name="healthz"),
    Route("/readyz", readyz, name="readyz"),
]
