"""Availability profiles, devices, numbers, schedules, calendars and the routing decision."""


def register(api) -> None:
    from .routes import colleagues_blp, me_blp, users_blp
    from .routes_admin import admin_blp, numbers_blp
    from .routes_sip import sip_blp

    for blp in (me_blp, colleagues_blp, users_blp, admin_blp, numbers_blp, sip_blp):
        api.register_blueprint(blp)
