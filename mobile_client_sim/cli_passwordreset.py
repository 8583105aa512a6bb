"""CLI: forgot password by the app, or by SMS through Kannel's fake SMSC (playing the phone)."""
from __future__ import annotations

from .cli import command
from .handset import Handset
from .passwordreset import forgot_password, forgot_password_by_sms, reset_password


@command("forgot-password", "ask for a reset code by SMS/e-mail: forgot-password +4790000002")
def _forgot(app, args):
    print(forgot_password(app, args.rest[0])["detail"])


@command("reset-password", "set a new password with the code: reset-password MOBILE CODE NEW")
def _reset(app, args):
    body = reset_password(app, args.rest[0], args.rest[1], args.rest[2])
    print(f"password set; logged in as {body['user']['first_name']}; other sessions ended")


@command("sms-reset", "play the phone through Kannel's fake SMSC: "
                      "sms-reset HOST:PORT MOBILE SERVICE_NUMBER NEW_PASSWORD [KEYWORD]")
def _sms_reset(app, args):
    host, _, port = args.rest[0].rpartition(":")
    mobile, service, new = args.rest[1], args.rest[2], args.rest[3]
    keyword = args.rest[4] if len(args.rest) > 4 else "PASSWORD"
    with Handset(host or "127.0.0.1", int(port)) as phone:
        code = forgot_password_by_sms(phone, mobile, service, keyword)
    print(f"SMS reply received with code {code}")
    body = reset_password(app, mobile, code, new)
    print(f"password set; logged in as {body['user']['first_name']}; other sessions ended")
