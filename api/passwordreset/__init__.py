"""Password reset and first login: by SMS command, by the app (SMS or e-mail), by a web page."""


def register(api) -> None:
    from .page import page_bp
    from .routes import blp

    api.register_blueprint(blp)
    api._app.register_blueprint(page_bp)  # plain HTML, not part of the JSON API
