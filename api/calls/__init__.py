"""Live calls: the call state the SIP gateways write, and the command channel to them."""


_sweeper = None


def register(api) -> None:
    from .interrupted import Sweeper
    from .routes import calls_blp

    global _sweeper
    if _sweeper is None:   # once: the blueprint adds it to every app it is registered on
        _sweeper = Sweeper()
        calls_blp.before_app_request(_sweeper)   # live calls of a gateway that died end
    api.register_blueprint(calls_blp)
