"""Transfers in three taps: the transfer screen, transfers of live calls and their state."""


def register(api) -> None:
    from .routes import transfer_blp

    api.register_blueprint(transfer_blp)
