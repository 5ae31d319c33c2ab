"""Small security helpers shared by the login lockout and the access log."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client. Behind PROXY_COUNT reverse proxies, the entry of
    X-Forwarded-For that the outermost trusted proxy wrote (entries further left
    can be set by the client and are not trusted)."""
    address = request.META.get("REMOTE_ADDR")
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None
