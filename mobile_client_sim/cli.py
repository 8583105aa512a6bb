"""Command line of the app simulator: `python -m mobile_client_sim --api URL COMMAND ...`.

The command registry lives here, not in `__main__`: run with `-m`, `__main__` is a module of
its own, and the features' `cli_*` modules would register into a second copy of it."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from .client import ApiError, AppClient

COMMANDS = {}


def command(name, help_text):
    def deco(fn):
        COMMANDS[name] = (fn, help_text)
        return fn
    return deco


def show(obj) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


@command("login", "log in with a mobile number: login +4790000002 [--password P]")
def _login(app: AppClient, args):
    password = args.password or os.environ.get("SIM_PASSWORD") or getpass.getpass("Password: ")
    body = app.login(args.rest[0], password)
    user = body["user"]
    print(f"logged in as {user['first_name']} {user['last_name']} ({user['mobile']})"
          + ("; your password has expired, change it" if body.get("password_expired") else ""))


@command("me", "show who I am")
def _me(app: AppClient, args):
    show(app.me())


@command("password", "change my password: password CURRENT NEW")
def _password(app: AppClient, args):
    app.change_password(args.rest[0], args.rest[1])
    print("password changed; every other session has been logged out")


@command("sessions", "list my logged-in devices")
def _sessions(app: AppClient, args):
    show(app.sessions())


@command("logout", "log out this device")
def _logout(app: AppClient, args):
    app.logout()
    print("logged out")


def _load_feature_commands() -> None:
    """Each feature adds its commands in a module `mobile_client_sim/cli_<feature>.py`."""
    import importlib
    import pkgutil

    import mobile_client_sim
    for info in pkgutil.iter_modules(mobile_client_sim.__path__):
        if info.name.startswith("cli_"):
            importlib.import_module(f"mobile_client_sim.{info.name}")


def main(argv: list[str] | None = None) -> int:
    _load_feature_commands()
    parser = argparse.ArgumentParser(prog="python -m mobile_client_sim",
                                     description="Simulator of the company phone app")
    parser.add_argument("--api", default=os.environ.get("SIM_API", "http://127.0.0.1:8000"),
                        help="the API's address (default: SIM_API, else http://127.0.0.1:8000)")
    parser.add_argument("--state", default=os.environ.get("SIM_STATE", "var/sim-session.json"),
                        help="where the session (refresh token) is kept between runs")
    parser.add_argument("--password")
    parser.add_argument("--device", help="call, callback: my device to ring first (id or kind)")
    parser.add_argument("--from", dest="display",
                        help="call, callback: the number to show (one I may use)")
    parser.add_argument("command", choices=sorted(COMMANDS),
                        help="; ".join(f"{k}: {v[1]}" for k, v in sorted(COMMANDS.items())))
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args(argv)
    app = AppClient(args.api, state_file=Path(args.state))
    try:
        COMMANDS[args.command][0](app, args)
    except ApiError as exc:
        print(f"error {exc.status}: {exc.problem.get('detail')}", file=sys.stderr)
        return 1
    except IndexError:
        print(f"missing argument for {args.command}: {COMMANDS[args.command][1]}", file=sys.stderr)
        return 2
    except (ValueError, LookupError) as exc:  # an argument it cannot use: "13:61", no such profile
        print(f"{args.command}: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    return 0

