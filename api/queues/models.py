"""Queues, their members' live state, queue calls and the manual callback list."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.db import Base, TenantScoped

# what happens when a ready member lets a queue call ring out
NO_ANSWER_POLICIES = ("keep", "log_out", "pause", "log_out_unless_last")
# where a caller goes when the total time in queue is over
OVERFLOW_KINDS = ("hangup", "voicemail", "number", "queue", "user")
# the number a member's phone shows for a queue call
SHOWN_NUMBERS = ("caller", "queue", "main")
# the waiting music a queue plays
HOLD_MUSIC = ("default", "ringback", "silence")
# who hears of a callback taken by hand
CALLBACK_NOTIFY = ("none", "sms", "email")


class Queue(TenantScoped, Base):
    __tablename__ = "queues"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    number: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    short_number: Mapped[str | None] = mapped_column(String(10))
    distribution: Mapped[str] = mapped_column(String(20), default="round_robin")
    ring_time_s: Mapped[int] = mapped_column(Integer, default=20)
    max_wait_s: Mapped[int] = mapped_column(Integer, default=300)
    overflow_kind: Mapped[str] = mapped_column(String(12), default="hangup")
    overflow_target: Mapped[str | None] = mapped_column(String(40))
    wrapup_s: Mapped[int] = mapped_column(Integer, default=10)
    wrapup_extendable: Mapped[bool] = mapped_column(Boolean, default=True)
    service_level_s: Mapped[int] = mapped_column(Integer, default=20)
    ring_when_empty: Mapped[bool] = mapped_column(Boolean, default=False)
    no_answer_policy: Mapped[str] = mapped_column(String(24), default="keep")
    callback_on_abandon: Mapped[bool] = mapped_column(Boolean, default=True)
    offer_callback: Mapped[bool] = mapped_column(Boolean, default=False)  # press 1 while waiting
    # a member calling back from the app presents the queue's number
    callback_shows_number: Mapped[bool] = mapped_column(Boolean, default=False)
    # the system rings a free member, then the caller, for each entry of the callback list
    auto_callback: Mapped[bool] = mapped_column(Boolean, default=False)
    hide_from_switchboard: Mapped[bool] = mapped_column(Boolean, default=False)
    keep_history: Mapped[bool] = mapped_column(Boolean, default=True)
    announce_position: Mapped[bool] = mapped_column(Boolean, default=False)
    greeting: Mapped[str | None] = mapped_column(String(300))  # None: "You have reached <name>."
    greeting_language: Mapped[str | None] = mapped_column(String(8))  # None: English
    # caller priority: these numbers, and company contacts tagged "vip", go first
    vip_numbers: Mapped[list] = mapped_column(JSON, default=list)
    vip_contacts: Mapped[bool] = mapped_column(Boolean, default=True)
    leave_when_no_agent_free: Mapped[bool] = mapped_column(Boolean, default=False)
    shown_number: Mapped[str] = mapped_column(String(8), default="caller")
    shown_main_number: Mapped[str | None] = mapped_column(String(20))  # E.164, the company's
    shown_prefix: Mapped[str | None] = mapped_column(String(16))
    shown_suffix: Mapped[str | None] = mapped_column(String(16))
    announce_every_s: Mapped[int | None] = mapped_column(Integer)  # repeat while waiting
    announce_text: Mapped[str | None] = mapped_column(String(300))
    hold_music: Mapped[str] = mapped_column(String(12), default="default")
    callback_notify: Mapped[str] = mapped_column(String(8), default="none")
    created_at: Mapped[datetime] = mapped_column(default=now)


class QueueMember(TenantScoped, Base):
    """A user's membership of a queue and their live state in it."""

    __tablename__ = "queue_members"
    __table_args__ = (UniqueConstraint("queue_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    is_default: Mapped[bool] = mapped_column(Boolean, default=True)  # remote login toggles it
    logged_in: Mapped[bool] = mapped_column(Boolean, default=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    pause_reason: Mapped[str | None] = mapped_column(String(40))
    wrapup_until: Mapped[datetime | None] = mapped_column()
    in_call_id: Mapped[int | None] = mapped_column(Integer)  # the queue call being talked
    idle_since: Mapped[datetime | None] = mapped_column()
    logged_out_by_profile: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(default=now)
    changed_by_user_id: Mapped[int | None] = mapped_column(Integer)
    calls_answered: Mapped[int] = mapped_column(Integer, default=0)
    device_ids: Mapped[list | None] = mapped_column(JSON)  # None: every enabled device rings
    # weekly windows when the member is logged in ({"days", "start", "end"}); None: by hand
    login_schedule: Mapped[list | None] = mapped_column(JSON)
    schedule_state: Mapped[bool | None] = mapped_column(Boolean)  # what it last applied


class QueueCall(TenantScoped, Base):
    """One caller's visit to a queue: waiting, then an outcome (the queue call log)."""

    __tablename__ = "queue_calls"
    # today's figures of a queue read its calls by entry time
    __table_args__ = (Index("ix_queue_calls_queue_entered", "tenant_id", "queue_id",
                            "entered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"), index=True)
    call_ref: Mapped[str | None] = mapped_column(String(80), index=True)  # the gateway's call id
    caller_number: Mapped[str | None] = mapped_column(String(32))
    caller_name: Mapped[str | None] = mapped_column(String(200))  # who's-calling hit
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)
    entered_at: Mapped[datetime] = mapped_column(default=now)
    distributing_since: Mapped[datetime | None] = mapped_column()
    ringing_user_ids: Mapped[list] = mapped_column(JSON, default=list)
    tried_user_ids: Mapped[list] = mapped_column(JSON, default=list)
    answered_at: Mapped[datetime | None] = mapped_column()
    answered_by_user_id: Mapped[int | None] = mapped_column(Integer)
    ended_at: Mapped[datetime | None] = mapped_column()
    outcome_detail: Mapped[str | None] = mapped_column(String(80))  # e.g. transfer target
    priority: Mapped[int] = mapped_column(Integer, default=0)  # higher goes first
    priority_reason: Mapped[str | None] = mapped_column(String(12))  # vip, returned, raised
    target_user_id: Mapped[int | None] = mapped_column(Integer)  # picked or assigned: only them
    target_by_user_id: Mapped[int | None] = mapped_column(Integer)
    tags: Mapped[list] = mapped_column(JSON, default=list)


class QueueCallback(TenantScoped, Base):
    """An entry of the manual callback list (abandoned call or callback request)."""

    __tablename__ = "queue_callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"), index=True)
    queue_call_id: Mapped[int | None] = mapped_column(Integer)
    caller_number: Mapped[str] = mapped_column(String(32))
    caller_name: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(20), default="abandoned")  # or "requested"
    waiting_since: Mapped[datetime] = mapped_column(default=now)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column()
    last_attempt_by_user_id: Mapped[int | None] = mapped_column(Integer)
    in_progress_by_user_id: Mapped[int | None] = mapped_column(Integer)
    done_at: Mapped[datetime | None] = mapped_column(index=True)


class RemoteLoginNumber(TenantScoped, Base):
    """An alternative phone a user registered for queue remote login (besides their mobile)."""

    __tablename__ = "queue_remote_numbers"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=now)


class QueueServiceNumber(TenantScoped, Base):
    """The company's queue service number: a call to it toggles the caller's queue login."""

    __tablename__ = "queue_service_numbers"
    __table_args__ = (UniqueConstraint("tenant_id"), UniqueConstraint("number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))


class QueueAlert(TenantScoped, Base):
    """An SLA alert rule of a queue and its state: fired once per breach, re-armed when the
    figure is back within the threshold."""

    __tablename__ = "queue_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(16))  # waiting_calls, longest_wait_s, logged_in
    threshold: Mapped[int] = mapped_column(Integer)
    for_minutes: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(8), default="sms")  # sms, email
    breach_since: Mapped[datetime | None] = mapped_column()
    fired_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=now)
