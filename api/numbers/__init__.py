"""The number registry: every number the system routes, owned once."""


def register(api) -> None:
    from .routes import numbers_blp

    api.register_blueprint(numbers_blp)

