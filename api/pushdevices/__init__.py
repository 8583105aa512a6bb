"""Push devices (the phones' tokens) and the push delivery log; the sender lives in push/."""


def register(api) -> None:
    from .routes import attempts_blp, devices_blp

    api.register_blueprint(devices_blp)
    api.register_blueprint(attempts_blp)


def register_hooks() -> None:
    from ..core import hooks
    from .services import on_sessions_revoked

    hooks.on(hooks.SESSIONS_REVOKED, on_sessions_revoked)
