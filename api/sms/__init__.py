"""SMS: a small gateway interface (inbound, outbound, delivery reports) and Kannel behind it.

Other features react to an incoming SMS through the `SMS_RECEIVED` event (`api.core.ports`)
and send replies through `api.sms.services.enqueue` (delivered after the HTTP response by an `Outbox`).
"""


def register(api) -> None:
    from .routes import blp
    from .services import runtime

    api.register_blueprint(blp)
    runtime(api._app)  # a wrong PBX_SMS_GATEWAY stops the start, not the first SMS
