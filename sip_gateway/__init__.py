"""The SIP gateway: a back-to-back user agent on pjsua2 that routes the company's calls by
each user's availability plan (`python -m sip_gateway`)."""
