"""Live calls: the call state the SIP gateways write, and the command channel to them."""


def register(api) -> None:
    from .routes import calls_blp

    api.register_blueprint(calls_blp)
    register_hooks()


def register_hooks() -> None:
    from ..core import hooks
    from .services import in_call_user_ids

    hooks.provide(hooks.IN_CALL_USER_IDS, in_call_user_ids)
