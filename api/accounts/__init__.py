"""Accounts, sessions, tenancy, users and roles."""


def register(api) -> None:
    from .routes_admin import roles_blp, tenant_blp, users_blp
    from .routes_customfields import fields_blp
    from .routes_pictures import pictures_blp
    from .routes_auth import auth_blp, me_blp

    for blp in (auth_blp, me_blp, users_blp, roles_blp, tenant_blp, pictures_blp,
                fields_blp):
        api.register_blueprint(blp)
