"""Operator commands: `python -m api.cli migrate | create-tenant | create-admin | seed-demo`."""
from __future__ import annotations

import argparse
import sys

from .config import Settings


def _session(settings: Settings):
    from bootstrap import cli

    return cli(settings.database_url).sessions()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.cli")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("migrate", help="apply database migrations")
    t = sub.add_parser("create-tenant", help="create a company (operator)")
    t.add_argument("--name", required=True)
    t.add_argument("--country", default="NO")
    t.add_argument("--timezone", default="Europe/Oslo")
    t.add_argument("--language", default="nb")
    t.add_argument("--policy", default="standard", choices=["standard", "strict"])
    t.add_argument("--sms-number")
    a = sub.add_parser("create-admin", help="create a company administrator (operator)")
    a.add_argument("--tenant-id", type=int, required=True)
    a.add_argument("--mobile", required=True)
    a.add_argument("--first-name", required=True)
    a.add_argument("--last-name", default="")
    a.add_argument("--password", required=True)
    sub.add_parser("seed-demo", help="seed the demo companies (development/demo mode only)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()

    if args.cmd == "migrate":
        from .migrate import upgrade
        upgrade(settings.database_url)
        print("database migrated")
        return 0

    from .core.errors import AppError

    db = _session(settings)
    try:
        return _run(db, args, settings)
    except AppError as exc:  # a taken number, a refused password: said as the API says it
        print(exc.detail, file=sys.stderr)
        return 1
    finally:
        db.close()
        db.get_bind().dispose()


def _run(db, args, settings: Settings) -> int:
    from .accounts import admin, permissions
    from .accounts.models import Tenant

    if args.cmd == "create-tenant":
        tenant = admin.create_tenant(db, name=args.name, country=args.country,
                                     timezone=args.timezone, language=args.language,
                                     password_policy=args.policy,
                                     sms_service_number=args.sms_number)
        db.commit()
        print(f"tenant {tenant.id} created: {tenant.name}")
    elif args.cmd == "create-admin":
        tenant = db.get(Tenant, args.tenant_id)
        if tenant is None:
            print(f"no tenant {args.tenant_id}", file=sys.stderr)
            return 1
        role = admin.builtin_role(db, tenant.id, permissions.ADMINISTRATOR)
        user = admin.create_user(db, tenant, {"mobile": args.mobile, "first_name": args.first_name,
                                              "last_name": args.last_name, "role_id": role.id},
                                 password=args.password)
        db.commit()
        print(f"administrator {user.mobile} created in {tenant.name}")
    elif args.cmd == "seed-demo":
        if settings.production:
            print("refusing to seed demo data with APP_ENV=production", file=sys.stderr)
            return 2
        created = seed_demo_and_print(db, settings)
        return 0 if created is not None else 1
    return 0


def seed_demo_and_print(db, settings: Settings):
    from .demo import seed_demo
    created = seed_demo(db, settings.demo_password)
    print("demo companies created: " + ", ".join(created) if created
          else "demo data already present")
    return created


if __name__ == "__main__":
    sys.exit(main())
