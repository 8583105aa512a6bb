"""The push relay process (`python -m api.pushdevices.relay`, started by the SIP gateway's
`push.relay.Relay`): this database's push sender, fed over the socket it inherited."""
from __future__ import annotations

import os


def main() -> None:
    from push.relay import inherited_socket, serve

    sock = inherited_socket()  # first: Ctrl-C in the gateway's terminal is not ours
    from bootstrap import push_relay

    serve(sock, push_relay(os.environ["DATABASE_URL"]).notifier.sender)


if __name__ == "__main__":
    main()
