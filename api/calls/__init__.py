"""Live calls: the call state the SIP gateways write, and the command channel to them."""


_sweeper = None


def register(api) -> None:
    from .interrupted import Sweeper
    from .routes import calls_blp

    global _sweeper
    if _sweeper is None:   # once: the blueprint adds it to every app it is registered on
        _sweeper = Sweeper()
        # live calls of a gateway that died end; a bound method, which Flask sees at once
        # is no coroutine (an object's `__call__` costs it an `inspect` look-up a request)
        calls_blp.before_app_request(_sweeper.__call__)
    api.register_blueprint(calls_blp)
