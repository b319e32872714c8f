"""The project's Calendar API quota, shared by every worker: calls are spaced, never refused.

Google allows 10,000 Calendar API calls a minute per project and 600 per user, and answers 403
`rateLimitExceeded` / `usageLimits` beyond them. Two thousand users whose follow-ups change at
once would send far more; so every write first reserves its calls here and sleeps until its slot.

The algorithm is GCRA (the "virtual scheduling" form of a token bucket): a key holds the
theoretical arrival time `tat` of the next call; a reservation of `n` calls waits
`max(0, tat - now - burst)` and moves `tat` on by `n * interval`. Spacing calls evenly keeps every
sliding window under the rate, which a fixed per-second counter would not at window boundaries.

- `CALFEED_QUEUE_URL` is Redis: the reservation is one Lua script on Redis (its own clock, so
  machines whose clocks differ still share one schedule): every worker of every machine draws
  from the same budget.
- Otherwise (the embedded SQLite queue, immediate mode): one limiter per process, under a lock;
  the embedded queue runs its workers as threads of one process, so that is every worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import redis

from calfeed.config import Config

#: seconds of calls a quiet key may send at once (a small burst, well inside Google's minute)
BURST = 1.0

_GCRA = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local interval = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < t then tat = t end
local wait = tat - t - burst
if wait < 0 then wait = 0 end
local after = tat + n * interval
redis.call('SET', KEYS[1], tostring(after), 'PX', math.ceil((after - t + 60) * 1000))
return tostring(wait)
"""


class Limiter(Protocol):
    def reserve(self, key: str, calls: int, per_minute: int) -> float:
        """Reserve `calls` calls under `key` at `per_minute`; the seconds to wait before them."""
        ...


@dataclass
class LocalLimiter:
    """GCRA in this process (see the module docstring)."""

    clock: Callable[[], float] = time.monotonic
    burst: float = BURST
    _tat: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self, key: str, calls: int, per_minute: int) -> float:
        interval = 60.0 / per_minute
        with self._lock:
            now = self.clock()
            tat = max(self._tat.get(key, now), now)
            self._tat[key] = tat + calls * interval
            return max(0.0, tat - now - self.burst)


@dataclass
class RedisLimiter:
    """GCRA on Redis, shared by every process using the same Redis and queue name."""

    client: redis.Redis
    prefix: str
    burst: float = BURST

    def reserve(self, key: str, calls: int, per_minute: int) -> float:
        interval = 60.0 / per_minute
        answer = self.client.eval(
            _GCRA, 1, f"{self.prefix}:{key}", str(interval), str(calls), str(self.burst)
        )
        return float(answer)


@dataclass
class Quota:
    """The two budgets a Calendar API call draws from: the project's and its user's."""

    limiter: Limiter
    per_minute: int
    user_per_minute: int
    sleep: Callable[[float], None] = time.sleep
    waited: float = 0.0  # seconds slept so far (benchmarks read it)

    def take(self, user_key: str, calls: int = 1) -> None:
        """Block until `calls` calls of the user may go out (both budgets reserved)."""
        wait = max(
            self.limiter.reserve("project", calls, self.per_minute),
            self.limiter.reserve(f"user:{user_key}", calls, self.user_per_minute),
        )
        if wait > 0:
            self.waited += wait
            self.sleep(wait)


#: one limiter per (queue address, queue name) in this process: its threads share it
_LIMITERS: dict[tuple[str, str], Limiter] = {}
_LIMITERS_LOCK = threading.Lock()


def quota_for(config: Config) -> Quota:
    """The quota every worker of this deployment shares (Redis) or this process's (otherwise)."""
    url = config.queue_url or ""
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get((url, config.queue_name))
        if limiter is None:
            if url.startswith(("redis://", "rediss://", "unix://")):
                client = redis.Redis.from_url(url)
                limiter = RedisLimiter(client, f"calfeed:quota:{config.queue_name}")
            else:
                limiter = LocalLimiter()
            _LIMITERS[(url, config.queue_name)] = limiter
    return Quota(limiter, config.google_quota_per_minute, config.google_user_quota_per_minute)
