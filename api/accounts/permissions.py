"""Permissions and the built-in roles (pure data)."""
from __future__ import annotations

MANAGE_USERS = "manage_users"
MANAGE_ROLES = "manage_roles"
MANAGE_TENANT = "manage_tenant"
MANAGE_DEVICES = "manage_devices"
MANAGE_NUMBERS = "manage_numbers"
MANAGE_DIRECTORY = "manage_directory"
MANAGE_QUEUES = "manage_queues"
LOG_OTHERS_IN_QUEUES = "log_others_in_queues"
SET_OTHERS_AVAILABILITY = "set_others_availability"
VIEW_PUSH_LOG = "view_push_log"
VIEW_AUDIT_LOG = "view_audit_log"
SEND_SMS = "send_sms"

ALL = {
    MANAGE_USERS: "Create, edit and delete users",
    MANAGE_ROLES: "Create, edit and delete custom roles",
    MANAGE_TENANT: "Change the company's settings and policies",
    MANAGE_DEVICES: "Manage users' devices (softphone, desk phone, mobile)",
    MANAGE_NUMBERS: "Manage the company's main numbers",
    MANAGE_DIRECTORY: "Manage shared company contacts and external directories",
    MANAGE_QUEUES: "Create and configure queues",
    LOG_OTHERS_IN_QUEUES: "Log other users in and out of queues",
    SET_OTHERS_AVAILABILITY: "Set colleagues' availability",
    VIEW_PUSH_LOG: "See push delivery attempts",
    VIEW_AUDIT_LOG: "See the audit log: administrative changes and security events",
    SEND_SMS: "Send SMS from the app in the company's name (templates, recipient groups)",
}

ADMINISTRATOR = "administrator"
TEAM_LEADER = "team_leader"
USER = "user"

BUILTIN_ROLES: dict[str, tuple[str, list[str]]] = {
    ADMINISTRATOR: ("Administrator", sorted(ALL)),
    TEAM_LEADER: ("Team leader", sorted([LOG_OTHERS_IN_QUEUES, SET_OTHERS_AVAILABILITY,
                                           SEND_SMS])),
    # Not plain users: an SMS costs the company money and speaks in its name to outsiders,
    # and built-in roles cannot be edited, so a company that wants every user to send
    # grants it by a custom role (the reverse would make every other company rebuild roles).
    USER: ("User", []),
}


def unknown(perms: list[str]) -> list[str]:
    return [p for p in perms if p not in ALL]
