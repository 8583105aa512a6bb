"""Availability profiles, devices, numbers, schedules, calendars and the routing decision."""


def register(api) -> None:
    from .routes import colleagues_blp, me_blp
    from .routes_admin import admin_blp, numbers_blp

    for blp in (me_blp, colleagues_blp, admin_blp, numbers_blp):
        api.register_blueprint(blp)
    register_hooks()


def register_hooks() -> None:
    from ..core import hooks
    from . import numbers, presence, services

    hooks.on(hooks.USER_CREATED, services.on_user_created)
    hooks.provide(hooks.PRESENCE, presence.presence)
    hooks.provide(hooks.FAVOURITE_TARGET + ".main_number", numbers.main_number_target)
