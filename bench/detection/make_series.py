"""Writes the benchmark request: 1,000 points, seeded noise around 100 with five spikes."""
import json
import random
import sys
from datetime import datetime, timedelta, timezone

random.seed(7)
start = datetime(2024, 5, 1, tzinfo=timezone.utc)
values = [100 + random.gauss(0, 5) for _ in range(1000)]
for i in (100, 333, 500, 777, 901):
    values[i] += 80
body = {
    "timestamps": [(start + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ") for i in range(1000)],
    "values": [round(v, 4) for v in values],
    "method": "zscore",
    "sensitivity": 3.0,
}
json.dump(body, open(sys.argv[1], "w"))
