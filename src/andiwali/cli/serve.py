"""`andiwali serve` (the web app) and `andiwali users` (team-mode accounts)."""

from __future__ import annotations

import ipaddress
import sys

import typer

from andiwali.cli import app, fail, open_kb, state

users_app = typer.Typer(help="Team-mode users of the web app: add, list, set a password or role, disable.",
                        no_args_is_help=True)
app.add_typer(users_app, name="users")


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; anything but loopback needs --team."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    team: bool = typer.Option(False, "--team", help="Team mode: users log in, roles apply, writes carry their name."),
    allowed_host: list[str] = typer.Option(
        None, "--allowed-host",
        help="Host names the app answers to (repeatable; default: loopback names, plus --host in team mode).",
    ),
    max_upload_mb: float = typer.Option(25.0, "--max-upload-mb", min=0.1, help="Largest upload request, in MB."),
) -> None:
    """Serve the web app (explorer, profiles, review queue, map, documents) over the knowledge base."""
    import uvicorn

    from andiwali.store import web_queries
    from andiwali.web import create_app
    from andiwali.web.security import LOOPBACK_HOSTS, Limits

    if not is_loopback(host) and not team:
        raise fail(f"refusing to serve on {host} without --team: other machines could read and change the "
                   "knowledge base. Add --team (and users with `andiwali users add NAME --role analyst`).", 2)
    kb = open_kb()
    if team and not web_queries.list_users(kb):
        raise fail("team mode needs at least one user: `andiwali users add NAME --role admin`", 2)
    hosts = list(allowed_host or [])
    if not hosts:
        hosts = list(LOOPBACK_HOSTS)
        if not is_loopback(host) and host not in ("0.0.0.0", "::"):
            hosts.append(host.lower())
        if host in ("0.0.0.0", "::"):
            hosts = ["*"]  # bound to every interface: team mode's login protects it
    limits = Limits(max_upload=int(max_upload_mb * 1024 * 1024))
    web = create_app(state.kb, team_mode=team, actor=state.actor, allowed_hosts=hosts, limits=limits, kb=kb,
                     warm=True)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"andiwali web app on http://{shown}:{port}/ ({'team mode' if team else 'local, single user'}); "
               "Ctrl-C stops it", err=True)
    uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        pw = sys.stdin.readline().rstrip("\n")
    else:
        pw = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return pw


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="Login name (no spaces)."),
    role: str = typer.Option("analyst", "--role", help="viewer (read only), analyst (review, upload, grade) or admin."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Add a user who can log in to the web app in team mode."""
    from andiwali.store import web_queries
    from andiwali.web.auth import hash_password

    if role not in web_queries.ROLES:
        raise fail(f"--role must be one of {', '.join(web_queries.ROLES)}", 2)
    kb = open_kb()
    pw = _read_password(password_stdin)
    u = web_queries.add_user(kb, name, role, hash_password(pw), actor=state.actor)
    typer.echo(f"user {u['name']} added ({u['role']})")


@users_app.command("list")
def users_list() -> None:
    """List the users and their roles."""
    from andiwali.store import web_queries

    for u in web_queries.list_users(open_kb()):
        typer.echo(f"{u['name']}\t{u['role']}\t{'disabled' if u['disabled'] else 'active'}\t{u['created_at']}")


@users_app.command("passwd")
def users_passwd(
    name: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Set a user's password (ends that user's sessions)."""
    from andiwali.store import web_queries
    from andiwali.web.auth import hash_password

    kb = open_kb()
    web_queries.set_password(kb, name, hash_password(_read_password(password_stdin)), actor=state.actor)
    typer.echo(f"password of {name} changed")


@users_app.command("role")
def users_role(name: str = typer.Argument(...), role: str = typer.Argument(..., help="viewer, analyst or admin")) -> None:
    """Change a user's role."""
    from andiwali.store import web_queries

    web_queries.set_user_role(open_kb(), name, role, actor=state.actor)
    typer.echo(f"{name} is now {role}")


@users_app.command("disable")
def users_disable(name: str = typer.Argument(...),
                  enable: bool = typer.Option(False, "--enable", help="Enable the user again.")) -> None:
    """Disable a user (ends their sessions at once), or enable them again."""
    from andiwali.store import web_queries

    web_queries.set_user_disabled(open_kb(), name, not enable, actor=state.actor)
    typer.echo(f"{name} {'enabled' if enable else 'disabled'}")
