"""Messages: business SMS from the app through the SMS gateway, with templates, recipient
groups, history with delivery states, limits and opt-out by SMS (STOP)."""


def register(api) -> None:
    from .routes import blp, me_blp
    from .routes_library import blp as library_blp
    from .services import config

    api.register_blueprint(blp)
    api.register_blueprint(me_blp)
    api.register_blueprint(library_blp)
    config(api._app)  # a wrong PBX_MESSAGES_* value stops the start, not the first message
