"""Queues: administration, membership and live status, distribution, remote login,
the queue call log and the manual callback list."""


def register(api) -> None:
    from .routes_admin import queues_blp
    from .routes_calls import queue_calls_blp
    from .routes_me import my_queues_blp
    from .routes_reports import queue_reports_blp
    from .routes_switchboard import switchboard_blp

    for blp in (queues_blp, queue_calls_blp, my_queues_blp, queue_reports_blp,
                switchboard_blp):
        api.register_blueprint(blp)

