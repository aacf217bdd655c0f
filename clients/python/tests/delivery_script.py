"""Emits 600 events over about two seconds (the test makes the server misbehave meanwhile), then
closes and prints the ids it was given and the client's stats as JSON."""
import json
import sys
import time

import _path  # noqa: F401
from auren_client import AurenClient

url = sys.argv[1]
errors = []
client = AurenClient(url, batch_size=40, flush_interval=0.02, retry_base=0.02, retry_max=0.3, on_error=errors.append)
ids = []
for i in range(600):
    kind = "py.error" if i % 10 == 0 else "py.step"
    ids.append(client.emit({"type": kind, "agent_id": "py-agent", "data": {"i": i, "pad": "p" * 100}}))
    if i % 20 == 0:
        time.sleep(0.07)
ok = client.close(timeout=30)
print(json.dumps({"ok": ok, "ids": ids, "stats": client.stats(), "retrying": sum(1 for e in errors if e["kind"] == "retrying")}))
