"""The sender: one background thread running an asyncio loop, fed by `submit()`.

`submit()` only hands the notification to the loop (`call_soon_threadsafe`: a lock, a deque
append and a wake-up byte), so the caller, such as the SIP gateway's call thread, never waits.
On the loop: look the user's devices up (database work in a small thread pool), build one
message per device, send them all concurrently on the transports' long-lived connections,
apply the retry policy, prune dead tokens, and record every attempt in batches
(`push.attempts`). Device look-ups are batched too: one hop to a database thread for all
the notifications that arrived while the previous look-up was at work. The relay process
hands its notifications over already looked up (`submit_looked_up`, on the thread reading
the gateway's socket), so there a push crosses one thread boundary instead of three.

A call that is over gets no incoming-call push: one not yet sent is dropped, a retry is
not made, and a request still waiting on the provider when the call_ended arrives is
abandoned (the connection or stream is closed before the provider answered), so a frozen
provider that wakes up later finds its sender gone (see `push.sink`).
"""
from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import logging
import threading
import time

from . import payloads, policy
from .attempts import AttemptLog
from .events import CALL_ENDED, INCOMING_CALL, Notify
from .ports import DeviceStore

log = logging.getLogger("push")
ENDED_MEMORY_S = 300.0  # how long a call_ended keeps the call's incoming push from going out


class PushService:
    def __init__(self, store: DeviceStore, transports: dict, *, monotonic=time.monotonic
                 ) -> None:
        """`store`: the devices, dead tokens and push log; `transports` maps a platform
        (ios, android) to its transport."""
        self._store = store
        self._transports = transports
        self._mono = monotonic
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._db = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="push-db")
        self._tasks: set[asyncio.Task] = set()
        self._log = AttemptLog(store.record, self._db)
        self._wanted: dict[tuple, list[asyncio.Future]] = {}  # (tenant, user) -> who waits
        self._looking = False   # a batch of device look-ups is at work
        self._ended: dict[tuple, float] = {}   # (tenant, call id) -> when call_ended came
        self._waiting: dict[tuple, asyncio.Event] = {}  # retries of a call's push, sleeping
        self._ringing: dict[tuple, set[asyncio.Task]] = {}  # a call's incoming pushes at work
        self._inbox: collections.deque[Notify] = collections.deque()   # see submit()
        self._wake_due = False
        self.dropped = 0

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> "PushService":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # not one INFO line per push
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="push-sender",
                                        daemon=True)
        self._thread.start()
        ready.wait()
        return self

    def _run(self, ready: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        ready.set()
        self._loop.run_forever()
        self._loop.close()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish what is in flight (up to `timeout`), close connections, end the thread."""
        if self._loop is None or self._loop.is_closed():
            return
        self.drain(timeout)
        fut = asyncio.run_coroutine_threadsafe(self._close(), self._loop)
        try:
            fut.result(timeout)
        except Exception:  # closing is best effort
            log.warning("push transports did not close cleanly", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        self._db.shutdown(wait=False)

    async def _close(self) -> None:
        for transport in set(self._transports.values()):
            await transport.aclose()

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until everything submitted so far is sent (or given up) and recorded."""
        fut = asyncio.run_coroutine_threadsafe(self._idle(), self._loop)
        try:
            fut.result(timeout)
            return True
        except concurrent.futures.TimeoutError:
            fut.cancel()
            return False

    async def _idle(self) -> None:
        while self._tasks or self._log.busy:
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._log.flush()

    # -- hand-off ---------------------------------------------------------------------------
    def submit(self, notify: Notify) -> None:
        """Queue a notification; returns at once and never raises. A burst wakes the loop
        once: notifications that arrive while a wake-up is due join its inbox."""
        loop = self._loop
        if loop is None or loop.is_closed():
            self._drop([notify])
            return
        self._inbox.append(notify)
        if not self._wake_due:
            self._wake_due = True
            try:
                loop.call_soon_threadsafe(self._take_inbox)
            except RuntimeError:  # stopped meanwhile
                self._drop([self._inbox.popleft() for _ in range(len(self._inbox))])

    def _drop(self, notifies: list[Notify]) -> None:
        for notify in notifies:
            self.dropped += 1
            log.warning("push service not running: notification dropped",
                        extra={"event": "push_dropped", "kind": notify.kind,
                               "call_id": notify.call_id})

    def submit_looked_up(self, notifies: list[Notify]) -> None:
        """Hand over a batch after looking its users' devices up on the calling thread, all
        in one trip to the database, then all in one hand-over to the loop: the push goes
        from the caller's thread straight to the loop that sends it. A call_ended in the
        batch reaches the loop before the look-up (a stalled database does not keep a call
        that is over ringing); pushes handed over earlier never wait for this look-up. If
        the look-up fails, the batch goes the usual way (looked up on the loop's database
        threads). Returns when handed over; never raises."""
        loop = self._loop
        try:
            for notify in notifies:
                if notify.kind == CALL_ENDED and notify.call_id:
                    loop.call_soon_threadsafe(self._call_ended, notify)
            users = list(dict.fromkeys((n.tenant_id, n.user_id) for n in notifies))
            try:
                found = self._store.targets_for(users)
            except Exception:
                log.warning("push device look-up failed: trying again on the sender",
                            exc_info=True, extra={"event": "push_error"})
                found = None
            pairs = [(n, None if found is None else found.get((n.tenant_id, n.user_id))
                      or ([], {})) for n in notifies]
            loop.call_soon_threadsafe(self._accept_all, pairs)
        except (AttributeError, RuntimeError):  # not started, or stopped
            for notify in notifies:
                self.submit(notify)

    def _take_inbox(self) -> None:
        self._wake_due = False   # first: what comes in from now on asks for a new wake-up
        inbox = self._inbox
        while inbox:
            self._accept(inbox.popleft())

    def _accept_all(self, pairs: list[tuple]) -> None:
        for notify, found in pairs:
            self._accept(notify, found)

    def _accept(self, notify: Notify, found: tuple | None = None) -> None:
        if notify.kind == CALL_ENDED and notify.call_id:
            self._call_ended(notify)
        task = self._loop.create_task(self._handle(notify, found))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if notify.kind == INCOMING_CALL and notify.call_id:
            key = (notify.tenant_id, notify.call_id)
            self._ringing.setdefault(key, set()).add(task)
            task.add_done_callback(lambda t, key=key: self._not_ringing(key, t))

    def _not_ringing(self, key: tuple, task: asyncio.Task) -> None:
        tasks = self._ringing.get(key)
        if tasks is not None:
            tasks.discard(task)
            if not tasks:
                del self._ringing[key]

    def _call_ended(self, notify: Notify) -> None:
        now = self._mono()
        while self._ended:  # oldest first (insertion order): forget calls over 5 minutes ago
            oldest = next(iter(self._ended))
            if now - self._ended[oldest] < ENDED_MEMORY_S:
                break
            del self._ended[oldest]
        key = (notify.tenant_id, notify.call_id)
        self._ended[key] = now
        if key in self._waiting:
            self._waiting.pop(key).set()  # wake the retries: they end as not relevant
        for task in self._ringing.pop(key, ()):
            task.cancel()   # a request still waiting on a slow provider is abandoned

    def _over(self, notify: Notify) -> bool:
        return notify.kind == INCOMING_CALL and (notify.tenant_id, notify.call_id) in self._ended

    # -- delivery ---------------------------------------------------------------------------
    async def _handle(self, notify: Notify, found: tuple | None = None) -> None:
        try:
            devices, settings = (found if found is not None
                                 else await self._targets(notify.tenant_id, notify.user_id))
            messages, too_large = payloads.plan(notify.kind, notify.call_id, notify.data,
                                                devices, settings)
            for d in too_large:
                self._log.attempt(notify, d, "none", 0, "too_large", policy.Result(None), None)
            if len(messages) == 1:   # the usual case: no task of its own
                await self._deliver(notify, messages[0])
            else:
                await asyncio.gather(*(self._deliver(notify, m) for m in messages))
        except Exception:
            log.exception("push failed", extra={"event": "push_error", "kind": notify.kind,
                                                "call_id": notify.call_id})

    def _targets(self, tenant_id: int, user_id: int) -> asyncio.Future:
        """The user's devices and settings, read after this call: the notifications that
        arrive while a look-up is at work are looked up together in the next one (one hop to
        a database thread, one session, one query per user, for a whole burst)."""
        found = self._loop.create_future()  # one each: a cancelled waiter cancels only its own
        self._wanted.setdefault((tenant_id, user_id), []).append(found)
        if not self._looking:
            self._look_up()
        return found

    def _look_up(self) -> None:
        wanted, self._wanted = self._wanted, {}
        job = self._loop.run_in_executor(self._db, self._store.targets_for, list(wanted))
        self._looking = True
        job.add_done_callback(lambda job: self._looked_up(wanted, job))

    def _looked_up(self, wanted: dict, job: asyncio.Future) -> None:
        error = job.exception() if not job.cancelled() else asyncio.CancelledError()
        found = job.result() if error is None else {}
        for key, futures in wanted.items():
            for future in futures:
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(found.get(key) or ([], {}))
        self._looking = False
        if self._wanted:
            self._look_up()

    async def _deliver(self, notify: Notify, msg: payloads.Message) -> None:
        transport = self._transports[msg.platform]
        attempt, refreshed = 0, False
        while True:
            attempt += 1
            remaining = notify.deadline - self._mono()
            if remaining <= 0 or self._over(notify):
                self._log.attempt(notify, msg, transport.name, attempt, "not_relevant",
                                  policy.Result(None), None)
                return
            started = self._mono()
            try:
                result = await transport.send(msg, remaining)
            except asyncio.CancelledError:
                if not self._over(notify):
                    raise
                self._log.attempt(notify, msg, transport.name, attempt, "not_relevant",
                                  policy.Result(None, "call_ended"), None)
                return
            latency = (self._mono() - started) * 1000
            decision = policy.decide(result, attempt=attempt,
                                     remaining_s=notify.deadline - self._mono(),
                                     auth_refreshed=refreshed)
            self._log.attempt(notify, msg, transport.name, attempt, decision.outcome, result,
                              latency)
            if decision.action == "prune":
                await self._loop.run_in_executor(self._db, self._prune, msg)
            elif decision.action == "refresh_auth":
                refreshed = True
                continue
            elif decision.action == "retry":
                await self._pause(notify, decision.delay)
                continue
            return

    async def _pause(self, notify: Notify, delay: float) -> None:
        """Wait before a retry; a call_ended for the call cuts the wait short."""
        if notify.kind != INCOMING_CALL or not notify.call_id:
            await asyncio.sleep(delay)
            return
        if self._over(notify):
            return
        key = (notify.tenant_id, notify.call_id)
        ended = self._waiting.setdefault(key, asyncio.Event())
        try:
            await asyncio.wait_for(ended.wait(), delay)
        except asyncio.TimeoutError:
            pass
        finally:
            if self._waiting.get(key) is ended and not ended.is_set():
                del self._waiting[key]

    def _prune(self, msg: payloads.Message) -> None:
        self._store.prune(msg.device_id, msg.token)
        log.info("dead push token removed", extra={"event": "push_pruned",
                                                   "device_id": msg.device_id})
