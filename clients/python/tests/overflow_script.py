"""Emits 300 mixed events into a 60-event buffer while the server is down, then flushes once it
is back; prints the critical ids and the stats."""
import json
import sys

import _path  # noqa: F401
from auren_client import AurenClient

drops = []
with AurenClient(sys.argv[1], max_buffered_events=60, batch_size=10, flush_interval=0.01, retry_base=0.05,
                 retry_max=0.2, on_drop=drops.append) as client:
    critical = []
    for i in range(300):
        if i % 10 == 0:
            critical.append(client.emit(type="pyover.failed", data={"i": i}))
        elif i % 2:
            client.emit(type="metric.pyover", data={"i": i})
        else:
            client.emit(type="pyover.step", data={"i": i})
    during = client.stats()
    flushed = client.flush(timeout=20)
print(json.dumps({"critical": critical, "during": during, "flushed": flushed, "stats": client.stats(),
                  "drop_callbacks": len(drops), "dropped_tiers": sorted(set(d["tier"] for d in drops))}))
