"""Live events: the outbox written with each change, and the app's stream of them."""


def register(api) -> None:
    from .routes import events_blp

    api.register_blueprint(events_blp)
