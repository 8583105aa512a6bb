"""Availability: profiles, devices, main numbers, schedules, calendars and the chosen state."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, true,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import now
from ..core.db import Base, TenantScoped



def new_stamp() -> str:
    return uuid.uuid4().hex


def _user_fk() -> ForeignKey:
    return ForeignKey("users.id", ondelete="CASCADE")


class Profile(TenantScoped, Base):
    __tablename__ = "availability_profiles"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), index=True)
    key: Mapped[str | None] = mapped_column(String(20))  # the standard profile it started as
    name: Mapped[str] = mapped_column(String(60))
    colour: Mapped[str] = mapped_column(String(7), default="#607d8b")
    icon: Mapped[str] = mapped_column(String(40), default="circle")
    note: Mapped[str | None] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer, default=100)
    activation_code: Mapped[str | None] = mapped_column(String(8))
    announce: Mapped[bool] = mapped_column(Boolean, default=False)
    devices: Mapped[list] = mapped_column(JSON, default=list)          # device kinds that ring
    ring_order: Mapped[str] = mapped_column(String(20), default="simultaneous")
    mobile_delay: Mapped[int] = mapped_column(Integer, default=0)
    ring_each: Mapped[int] = mapped_column(Integer, default=15)  # one_after_another
    when_free: Mapped[dict] = mapped_column(JSON, default=dict)        # {kind, target}
    when_busy: Mapped[dict] = mapped_column(JSON, default=dict)
    no_answer: Mapped[dict] = mapped_column(JSON, default=dict)
    no_answer_after: Mapped[int] = mapped_column(Integer, default=25)
    exceptions: Mapped[list] = mapped_column(JSON, default=list)
    display_numbers: Mapped[dict] = mapped_column(JSON, default=dict)  # device kind -> E.164
    queue_logout: Mapped[list | str] = mapped_column(JSON, default=list)  # queue ids or "all"
    position: Mapped[int] = mapped_column(Integer, default=0)


class Device(TenantScoped, Base):
    __tablename__ = "availability_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # softphone, deskphone, mobile, app
    label: Mapped[str] = mapped_column(String(80), default="")
    sip_uri: Mapped[str | None] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(String(20))  # mobile: E.164
    mex: Mapped[bool] = mapped_column(Boolean, default=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # what the SIP edge authenticates the phone with: user name and the HA1 digest hash of
    # its password (the password is shown once and never stored)
    sip_username: Mapped[str | None] = mapped_column(String(40), unique=True)
    sip_ha1: Mapped[str | None] = mapped_column(String(32))
    # the user may switch it (and its MEX) on and off themselves; the administrator decides
    user_may_switch: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # an app device: the push token (push_devices.id) of the app install that wakes it for a
    # call; the database removes the device with the token (migration 0020a)
    push_device_id: Mapped[int | None] = mapped_column(Integer, unique=True)


class MainNumber(TenantScoped, Base):
    __tablename__ = "main_numbers"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(80))
    displayable: Mapped[bool] = mapped_column(Boolean, default=True)
    # where an inbound call to it goes: a user (rung by their own plan), else its SIP address
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)


class Schedule(TenantScoped, Base):
    __tablename__ = "availability_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), index=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("availability_profiles.id", ondelete="CASCADE"), index=True)
    starts: Mapped[datetime] = mapped_column(DateTime())  # local wall time, tenant's zone
    ends: Mapped[datetime] = mapped_column(DateTime())
    recurrence: Mapped[str] = mapped_column(String(10), default="none")
    weekdays: Mapped[list] = mapped_column(JSON, default=list)
    repeat_until: Mapped[date | None] = mapped_column(Date)


class State(TenantScoped, Base):
    """The user's manual choice, and the profile whose queue behaviour was last applied."""

    __tablename__ = "availability_states"

    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True)
    profile_id: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[datetime | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(200))
    set_at: Mapped[datetime | None] = mapped_column()
    set_by: Mapped[int | None] = mapped_column(Integer)
    applied_profile_id: Mapped[int | None] = mapped_column(Integer)
    applied_snapshot: Mapped[dict | None] = mapped_column(JSON)
    # changes whenever the user's profiles, devices, schedules or calendar change: the
    # routing inputs cached by a worker are reused only while it is the same
    stamp: Mapped[str] = mapped_column(String(32), default=new_stamp)


class Calendar(TenantScoped, Base):
    __tablename__ = "availability_calendars"

    user_id: Mapped[int] = mapped_column(_user_fk(), primary_key=True)
    url: Mapped[str | None] = mapped_column(String(1000))
    source: Mapped[str] = mapped_column(String(10), default="url")  # url or upload
    ics: Mapped[str | None] = mapped_column(Text)  # an uploaded file, expanded again on sync
    synced_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    events: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)


class BusyPeriod(TenantScoped, Base):
    __tablename__ = "availability_busy_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(_user_fk(), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column()
    summary: Mapped[str] = mapped_column(String(200), default="")


class EdgeLocation(Base):
    """A registration the SIP edge holds (Kamailio's usrloc writes it through; migration
    0017e has the whole table). Read here only: which devices can be reached now."""

    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    ruid: Mapped[str] = mapped_column(String(64), unique=True, default="")
    username: Mapped[str] = mapped_column(String(64), index=True, default="")
    contact: Mapped[str] = mapped_column(String(512), default="")
    expires: Mapped[datetime] = mapped_column(DateTime())
