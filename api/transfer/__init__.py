"""Transfers in three taps: the transfer screen, transfers of live calls and their state."""


def register(api) -> None:
    from .routes import transfer_blp

    api.register_blueprint(transfer_blp)
    register_hooks()


def register_hooks() -> None:
    from ..core import hooks
    from .services import of_calls

    hooks.provide(hooks.CALL_TRANSFERS, of_calls)
