"""Reference peer: the same z-score endpoint on the seed guides' stack (FastAPI + uvicorn + numpy),
with the same contract as detection-service: X-API-Key checked against SHA-256 digests in
constant time, input validated, each run and its anomalies stored in SQLite (WAL)."""

import hashlib
import hmac
import os
import sqlite3
import threading
import time
import uuid
from typing import List, Optional

import numpy as np
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

DB_PATH = os.environ.get("PEER_DB", "/tmp/peer-detections.sqlite3")
KEY_DIGESTS = [hashlib.sha256(k.encode()).digest() for k in os.environ.get("PEER_API_KEYS", "").split(",") if k]
STARTED = time.monotonic()

app = FastAPI()
_local = threading.local()


def db() -> sqlite3.Connection:
    # FastAPI runs sync endpoints on a thread pool: one connection per thread.
    _conn = getattr(_local, "conn", None)
    if _conn is None:
        _conn = sqlite3.connect(DB_PATH, isolation_level=None)
        _local.conn = _conn
        _conn.execute("PRAGMA journal_mode=WAL")
        _conn.execute("PRAGMA synchronous=NORMAL")
        _conn.execute("PRAGMA busy_timeout=10000")
        _conn.execute(
            "CREATE TABLE IF NOT EXISTS detection_runs (id TEXT PRIMARY KEY, created_at_ms INTEGER, method TEXT,"
            " sensitivity REAL, point_count INTEGER, anomaly_count INTEGER, mean REAL, std_dev REAL)")
        _conn.execute(
            "CREATE TABLE IF NOT EXISTS detection_anomalies (run_id TEXT, idx INTEGER, ts TEXT, value REAL,"
            " score REAL, severity TEXT, PRIMARY KEY (run_id, idx))")
    return _conn


class DetectRequest(BaseModel):
    timestamps: List[str]
    values: List[float] = Field(min_length=1, max_length=100_000)
    method: str = "zscore"
    sensitivity: float = Field(default=2.0, gt=0, le=100)


def check_key(key: Optional[str]) -> None:
    if not key:
        raise HTTPException(status_code=401, detail="X-API-Key: header is required")
    digest = hashlib.sha256(key.encode()).digest()
    ok = False
    for d in KEY_DIGESTS:
        ok |= hmac.compare_digest(d, digest)
    if not ok:
        raise HTTPException(status_code=403, detail="X-API-Key: the key is not valid")


def severity(score: float, s: float) -> str:
    if score >= 2 * s:
        return "critical"
    if score >= 1.5 * s:
        return "high"
    if score >= 1.25 * s:
        return "medium"
    return "low"


@app.get("/health")
def health():
    return {"status": "ok", "version": "peer", "uptime_seconds": time.monotonic() - STARTED}


@app.post("/api/v1/detect", status_code=201)
def detect(req: DetectRequest, x_api_key: Optional[str] = Header(default=None)):
    check_key(x_api_key)
    if req.method != "zscore":
        raise HTTPException(status_code=400, detail="method: only zscore in the peer")
    if len(req.timestamps) != len(req.values):
        raise HTTPException(status_code=400, detail="timestamps: must pair up with values")
    start = time.perf_counter()
    v = np.asarray(req.values, dtype=np.float64)
    if not np.all(np.isfinite(v)):
        raise HTTPException(status_code=400, detail="values: not finite")
    mean = float(v.mean())
    std = float(v.std())
    scores = np.abs(v - mean) / std if std > 0 else np.zeros_like(v)
    idx = np.nonzero(scores >= req.sensitivity)[0]
    anomalies = [
        {"index": int(i), "timestamp": req.timestamps[i], "value": float(v[i]), "score": float(scores[i]),
         "severity": severity(float(scores[i]), req.sensitivity)}
        for i in idx
    ]
    run_id = str(uuid.uuid4())
    created = int(time.time() * 1000)
    conn = db()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO detection_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (run_id, created, req.method, req.sensitivity, len(v), len(anomalies), mean, std))
    conn.executemany("INSERT INTO detection_anomalies VALUES (?, ?, ?, ?, ?, ?)",
                     [(run_id, a["index"], a["timestamp"], a["value"], a["score"], a["severity"]) for a in anomalies])
    conn.execute("COMMIT")
    return {
        "id": run_id, "method": req.method, "anomalies": anomalies,
        "summary": {"points": len(v), "anomalies": len(anomalies), "mean": mean, "std_dev": std,
                    "sensitivity": req.sensitivity, "duration_ms": (time.perf_counter() - start) * 1000},
    }
