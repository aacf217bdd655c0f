"""Auren Realtime client for Python: standard library only.

Sends events to an Auren server in batches from a background thread. ``emit`` never blocks and
never raises; a bounded buffer drops the least important events first when the server is away
(analytical, then operational; critical events only make room for newer critical ones), and every
drop is counted. Failed requests (429, 408, 5xx, network errors) are retried with full-jitter
exponential backoff, never sooner than ``Retry-After``. Ids are made client-side (UUIDv7), so a
retried batch is deduplicated by the server and counts once.

    from auren_client import AurenClient

    with AurenClient("http://127.0.0.1:8080", api_key="...") as auren:
        auren.emit({"type": "llm.call", "model": "gpt-4o",
                    "usage": {"input_tokens": 1200, "output_tokens": 80, "cache_read_tokens": 1000}})
"""

import atexit
import collections
import gzip
import json
import os
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from email.utils import parsedate_to_datetime

__all__ = ["AurenClient", "uuid7", "tier_of"]

_TIERS = ("analytical", "operational", "critical")
_RANK = {t: i for i, t in enumerate(_TIERS)}
_RETRYABLE = {408, 429}
_COMPRESS_FROM = 1024


def uuid7(now_ms=None):
    """A time-ordered UUIDv7 string (RFC 9562)."""
    ms = int(time.time() * 1000) if now_ms is None else int(now_ms)
    b = bytearray(ms.to_bytes(6, "big") + os.urandom(10))
    b[6] = (b[6] & 0x0F) | 0x70
    b[8] = (b[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(b)))


def tier_of(event):
    """The contract's default tier rules (the server decides for real; this only orders drops)."""
    tier = event.get("tier")
    if tier in _RANK:
        return tier
    t = str(event.get("type", ""))
    data = event.get("data")
    if t.endswith((".error", ".failed")) or t in ("system.alert", "biometric.alert"):
        return "critical"
    if isinstance(data, dict) and data.get("severity") == "critical":
        return "critical"
    if t.split(".", 1)[0] in ("memory", "hypothesis", "knowledge", "metric"):
        return "analytical"
    return "operational"


class _Entry(object):
    __slots__ = ("seq", "tier", "id", "line")

    def __init__(self, seq, tier, id_, line):
        self.seq, self.tier, self.id, self.line = seq, tier, id_, line


class AurenClient(object):
    """Batching, retrying, bounded event sender. Use as a context manager or call ``close()``."""

    def __init__(self, url, api_key=None, batch_size=500, batch_bytes=1 << 20, flush_interval=1.0,
                 max_buffered_events=10000, max_buffered_bytes=16 << 20, retry_base=0.25, retry_max=30.0,
                 request_timeout=30.0, gzip_body=True, on_error=None, on_drop=None):
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.batch_size, self.batch_bytes, self.flush_interval = batch_size, batch_bytes, flush_interval
        self.max_events, self.max_bytes = max_buffered_events, max_buffered_bytes
        self.retry_base, self.retry_max, self.request_timeout = retry_base, retry_max, request_timeout
        self.gzip_body, self.on_error, self.on_drop = gzip_body, on_error, on_drop
        self._queues = {t: collections.deque() for t in _TIERS}
        self._count = self._bytes = self._seq = 0
        self._done_seq = 0  # every event with seq <= this was sent or dropped
        self._inflight = []
        self._waiters = 0
        self._urgent = self._closing = False
        self._deadline = None
        self._cv = threading.Condition()
        self._stats = {"emitted": 0, "accepted": 0, "duplicates": 0, "rejected": 0, "retries": 0, "batches": 0,
                       "dropped": {t: 0 for t in _TIERS}}
        self._thread = threading.Thread(target=self._run, name="auren-client", daemon=True)
        self._thread.start()
        atexit.register(self._at_exit)

    # -- public API -------------------------------------------------------------------------
    def emit(self, event=None, **fields):
        """Queue an event (a dict, or keyword fields); returns its id, or None if it was dropped."""
        tier = "operational"
        try:
            ev = dict(event or {}, **fields)
            tier = tier_of(ev) if isinstance(ev.get("type"), str) else "operational"
            if self._closing:
                raise ValueError("the client is closed")
            if not isinstance(ev.get("type"), str) or not ev["type"]:
                raise ValueError('an event needs a "type" such as "llm.call"')
            ev.setdefault("id", uuid7())
            ev.setdefault("ts", int(time.time() * 1000))
            line = json.dumps(ev, separators=(",", ":"), default=str)
        except Exception as err:  # never raise into the agent
            with self._cv:
                self._stats["dropped"][tier] += 1
            self._report("dropped", "event not queued: %s" % err, events=1)
            return None
        with self._cv:
            self._seq += 1
            self._stats["emitted"] += 1
            self._push(_Entry(self._seq, tier, ev["id"], line))
            if tier == "critical" or self._count >= self.batch_size or self._bytes >= self.batch_bytes:
                if not self._urgent:
                    self._urgent = True
                    self._cv.notify_all()  # wake the sender only when there is something to do now
        return ev["id"]

    def flush(self, timeout=30.0):
        """Block until everything emitted so far was sent (or dropped by policy); False on timeout."""
        with self._cv:
            mark = self._seq
            self._urgent = True
            self._cv.notify_all()
            end = time.monotonic() + timeout
            self._waiters += 1
            try:
                while self._done_seq < mark and self._thread.is_alive():
                    left = end - time.monotonic()
                    if left <= 0:
                        return False
                    self._cv.wait(min(left, 0.5))
                return self._done_seq >= mark
            finally:
                self._waiters -= 1

    def close(self, timeout=10.0):
        """Flush for up to ``timeout`` seconds, drop what is left (counted), stop the thread."""
        with self._cv:
            if self._closing and not self._thread.is_alive():
                return self._count == 0
            self._closing = True
            self._deadline = time.monotonic() + timeout
        ok = self.flush(timeout + 1.0)
        with self._cv:
            self._cv.notify_all()
        self._thread.join(2.0)
        return ok

    def stats(self):
        with self._cv:
            s = dict(self._stats, dropped=dict(self._stats["dropped"]))
            s["dropped"]["total"] = sum(s["dropped"][t] for t in _TIERS)
            s["buffered"], s["buffered_bytes"], s["inflight"] = self._count, self._bytes, len(self._inflight)
            return s

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- buffer (called with the lock held) ---------------------------------------------------
    def _push(self, e):
        size = len(e.line)
        if size > self.max_bytes:
            return self._drop(e, "event larger than the buffer")
        while self._count + 1 > self.max_events or self._bytes + size > self.max_bytes:
            victim = next((t for t in _TIERS if self._queues[t]), None)
            if victim is None:
                break
            if _RANK[victim] > _RANK[e.tier]:
                return self._drop(e, "buffer full")  # everything buffered outranks it
            old = self._queues[victim].popleft()
            self._count -= 1
            self._bytes -= len(old.line)
            self._drop(old, "buffer full")
        self._queues[e.tier].append(e)
        self._count += 1
        self._bytes += size
        self._advance()

    def _drop(self, e, why):
        self._stats["dropped"][e.tier] += 1
        self._advance()
        if self.on_drop:
            try:
                self.on_drop({"id": e.id, "tier": e.tier, "reason": why})
            except Exception:
                pass

    def _take(self):
        out, size = [], 0
        while len(out) < self.batch_size:
            heads = [q[0] for q in self._queues.values() if q]
            if not heads:
                break
            e = min(heads, key=lambda x: x.seq)
            if out and size + len(e.line) > self.batch_bytes:
                break
            self._queues[e.tier].popleft()
            self._count -= 1
            self._bytes -= len(e.line)
            out.append(e)
            size += len(e.line)
        return out

    def _advance(self):
        """Move the done mark up to just below the oldest event still buffered or in flight."""
        pending = [q[0].seq for q in self._queues.values() if q] + [e.seq for e in self._inflight[:1]]
        done = (min(pending) - 1) if pending else self._seq
        if done != self._done_seq:
            self._done_seq = done
            if self._waiters:
                self._cv.notify_all()

    # -- background thread --------------------------------------------------------------------
    def _run(self):
        while True:
            with self._cv:
                end = time.monotonic() + self.flush_interval
                while not (self._urgent or self._closing) and self._count < self.batch_size:
                    left = end - time.monotonic()
                    if left <= 0:
                        break
                    self._cv.wait(left)
                if self._count == 0:
                    self._urgent = False
                    self._advance()
                    if self._closing:
                        return
                    continue
                self._inflight = self._take()
                if self._count == 0:
                    self._urgent = False
            self._send(self._inflight)
            with self._cv:
                self._inflight = []
                self._advance()

    def _send(self, batch):
        attempt = 0
        while batch:
            status, wait, message = 0, None, ""
            try:
                status, body, headers = self._post(batch)
                if 200 <= status < 300 or status == 400:
                    rejected = body.get("rejected", 0) if status < 300 else len(batch)
                    with self._cv:
                        self._stats["batches"] += 1
                        self._stats["accepted"] += body.get("accepted", 0)
                        self._stats["duplicates"] += body.get("duplicates", 0)
                        self._stats["rejected"] += rejected
                    if rejected:
                        self._report("rejected", body.get("error") or "%d events were rejected" % rejected,
                                     status=status, errors=body.get("errors"), events=rejected)
                    return
                if status == 413 and len(batch) > 1:
                    half = (len(batch) + 1) // 2
                    self._send(batch[:half])
                    batch, attempt = batch[half:], 0
                    continue
                message = body.get("error") or "HTTP %d" % status
                if status not in _RETRYABLE and status < 500:
                    with self._cv:
                        self._stats["rejected"] += len(batch)
                    self._report("rejected", message, status=status, events=len(batch))
                    return
                wait = _retry_after(headers.get("Retry-After"))
            except Exception as err:  # network errors, timeouts
                message = "request failed: %s" % err
            with self._cv:
                if self._deadline is not None and time.monotonic() >= self._deadline:
                    for e in batch:
                        self._drop(e, "not delivered before close: " + message)
                    self._report("dropped", "not delivered before close: " + message, events=len(batch))
                    return
                delay = max(wait or 0.0, random.uniform(0, min(self.retry_max, self.retry_base * 2 ** min(attempt, 30))))
                if self._deadline is not None:
                    delay = min(delay, max(0.0, self._deadline - time.monotonic()))
                self._stats["retries"] += 1
            self._report("retrying", "%s; retry in %.2f s" % (message, delay), status=status or None, events=len(batch))
            with self._cv:
                self._cv.wait(delay)
            attempt += 1

    def _post(self, batch):
        data = "\n".join(e.line for e in batch).encode("utf-8")
        headers = {"Content-Type": "application/x-ndjson", "User-Agent": "auren-client-python"}
        if self.api_key:
            headers["Authorization"] = "Bearer " + self.api_key
        if self.gzip_body and len(data) >= _COMPRESS_FROM:
            data = gzip.compress(data, 6)
            headers["Content-Encoding"] = "gzip"
        req = urllib.request.Request(self.url + "/v1/events", data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.request_timeout) as res:
                return res.status, _json(res.read()), res.headers
        except urllib.error.HTTPError as err:
            return err.code, _json(err.read()), err.headers

    def _report(self, kind, message, **extra):
        if self.on_error:
            try:
                self.on_error(dict(extra, kind=kind, message=message))
            except Exception:
                pass

    def _at_exit(self):
        if not self._closing:
            self.close(timeout=5.0)


def _json(raw):
    try:
        v = json.loads(raw.decode("utf-8") or "{}")
        return v if isinstance(v, dict) else {}
    except ValueError:
        return {}


def _retry_after(value):
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
