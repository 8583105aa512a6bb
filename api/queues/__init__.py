"""Queues: administration, membership and live status, distribution, remote login,
the queue call log and the manual callback list."""


def register(api) -> None:
    from . import routes_calls  # noqa: F401  (adds its views to the queues blueprint)
    from .routes_admin import queues_blp
    from .routes_me import my_queues_blp

    api.register_blueprint(queues_blp)
    api.register_blueprint(my_queues_blp)


def register_hooks() -> None:
    from ..core import hooks
    from .membership import on_availability_changed
    from .status import favourite_target, queue_summary, queue_target

    hooks.on(hooks.AVAILABILITY_CHANGED, on_availability_changed)
    hooks.provide(hooks.QUEUE_SUMMARY, queue_summary)
    hooks.provide(hooks.FAVOURITE_TARGET, favourite_target)
    hooks.provide(hooks.FAVOURITE_TARGET + ".queue", queue_target)
