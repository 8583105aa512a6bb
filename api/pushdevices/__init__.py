"""Push devices (the phones' tokens) and the push delivery log; the sender lives in push/."""


def register(api) -> None:
    from .routes import attempts_blp, devices_blp

    api.register_blueprint(devices_blp)
    api.register_blueprint(attempts_blp)
