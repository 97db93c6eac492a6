#!/usr/bin/env python3
"""Reference detectors for AnomalyDetection, written with numpy/scipy/scikit-learn.

Used by Tests/AnomalyDetectionTests (which compare the Swift detectors with it point by point) and
by bench/detectors/run. Reads one JSON request on stdin, writes one JSON answer on stdout:

  reference.py scores    {"cases": [{"values": [...], "sensitivity": 2.0, "alpha": 0.3}, ...]}
      -> {"results": [{"zscore": {"scores", "flags", "threshold", "severities"}, "mad": ...}, ...]}
  reference.py dataset   {"n": 10000, "seed": 7}
      -> {"values": [...], "labels": [0/1 ...]}   labelled synthetic series (spikes and level shifts)
  reference.py iforest   {"values", "labels", "ours", "trees", "sample_size", "seed", "contamination"}
      -> {"auc_ours", "auc_sklearn", "sklearn_flags", "sklearn_seconds"}

Exit status 3 means a Python module is missing (the message names it).
"""
import json
import sys
import time

try:
    import numpy as np
    from scipy import signal, stats
except ImportError as error:  # the caller decides whether that is a skip or a failure
    print(f"missing Python module: {error.name} (pip install numpy scipy scikit-learn)", file=sys.stderr)
    sys.exit(3)

MAD_CONSISTENCY = 0.6745
MEAN_DEVIATION_CONSISTENCY = 1.253314
IQR_FENCE_FACTOR = 0.75
NORMAL_IQR_IN_SIGMAS = 1.349


def zscore(x):
    if np.ptp(x) == 0:
        return np.zeros_like(x)
    return np.abs(stats.zscore(x, ddof=0))


def mad(x):
    median = np.median(x)
    deviation = np.abs(x - median)
    spread = stats.median_abs_deviation(x, scale=1.0)
    if spread > 0:
        return MAD_CONSISTENCY * deviation / spread
    mean_deviation = np.mean(deviation)
    if mean_deviation == 0:
        return np.zeros_like(x)
    return deviation / (MEAN_DEVIATION_CONSISTENCY * mean_deviation)


def iqr(x):
    q1, q3 = np.percentile(x, [25, 75])  # numpy's default linear method
    unit = q3 - q1
    if unit <= 0:
        if np.ptp(x) == 0:
            return np.zeros_like(x)
        unit = NORMAL_IQR_IN_SIGMAS * np.std(x)
    return np.maximum.reduce([q1 - x, x - q3, np.zeros_like(x)]) / unit


def ewma(x, alpha):
    scores = np.zeros_like(x)
    if len(x) <= 2 or np.ptp(x) == 0:
        return scores
    # s0 = x0, s_t = alpha*x_t + (1-alpha)*s_{t-1} (pandas ewm(adjust=False)) as an IIR filter
    # started from s0, so that s0 is x0 exactly rather than alpha*x0 + (1-alpha)*x0.
    rest, _ = signal.lfilter([alpha], [1, -(1 - alpha)], x[1:], zi=[(1 - alpha) * x[0]])
    smoothed = np.concatenate([x[:1], rest])
    residuals = x[1:] - smoothed[:-1]  # forecast of point t is the smoothed value before it
    if np.ptp(residuals) == 0:
        return scores
    scores[1:] = np.abs(stats.zscore(residuals, ddof=0))
    return scores


def severity(ratio):
    return "low" if ratio < 1.5 else "medium" if ratio < 2 else "high" if ratio < 3 else "critical"


def scores_command(request):
    return {"results": [method_scores(case) for case in request["cases"]]}


def method_scores(request):
    x = np.asarray(request["values"], dtype=float)
    s = float(request["sensitivity"])
    answer = {}
    for name, values, threshold in [
        ("zscore", zscore(x), s),
        ("mad", mad(x), s),
        ("iqr", iqr(x), IQR_FENCE_FACTOR * s),
        ("ewma", ewma(x, float(request["alpha"])), s),
    ]:
        answer[name] = {
            "scores": values.tolist(),
            "flags": (values > threshold).tolist(),
            "threshold": threshold,
            "severities": [severity(v / threshold) for v in values],
        }
    return answer


def dataset_command(request):
    """Five-minute samples with a daily cycle and Gaussian noise; 1% spikes of 15-40 (either sign)
    and one 20-40 point level shift of 20-30 per 1,000 points, every anomalous point labelled 1."""
    n = int(request["n"])
    rng = np.random.default_rng(int(request["seed"]))
    t = np.arange(n)
    values = 100 + 10 * np.sin(2 * np.pi * t / 288) + rng.normal(0, 2, n)
    labels = np.zeros(n, dtype=int)
    for _ in range(max(1, n // 1000)):
        length = int(rng.integers(20, 41))
        start = int(rng.integers(10, n - length))
        values[start:start + length] += rng.choice([-1, 1]) * rng.uniform(20, 30)
        labels[start:start + length] = 1
    spikes = rng.choice(np.arange(5, n), size=max(1, n // 100), replace=False)
    values[spikes] += rng.choice([-1, 1], size=len(spikes)) * rng.uniform(15, 40, size=len(spikes))
    labels[spikes] = 1
    return {"values": values.tolist(), "labels": labels.tolist()}


def iforest_command(request):
    try:
        from sklearn.ensemble import IsolationForest
        from sklearn.metrics import roc_auc_score
    except ImportError as error:
        print(f"missing Python module: {error.name} (pip install scikit-learn)", file=sys.stderr)
        sys.exit(3)
    x = np.asarray(request["values"], dtype=float).reshape(-1, 1)
    labels = np.asarray(request["labels"])
    started = time.perf_counter()
    forest = IsolationForest(
        n_estimators=int(request["trees"]), max_samples=int(request["sample_size"]),
        contamination=float(request["contamination"]), random_state=int(request["seed"]))
    forest.fit(x)
    theirs = -forest.score_samples(x)  # sklearn negates Liu et al.'s score
    flags = forest.predict(x) == -1
    elapsed = time.perf_counter() - started
    return {
        "auc_ours": float(roc_auc_score(labels, np.asarray(request["ours"], dtype=float))),
        "auc_sklearn": float(roc_auc_score(labels, theirs)),
        "sklearn_flags": flags.tolist(),
        "sklearn_seconds": elapsed,
    }


COMMANDS = {"scores": scores_command, "dataset": dataset_command, "iforest": iforest_command}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: reference.py {{{','.join(COMMANDS)}}} < request.json", file=sys.stderr)
        sys.exit(2)
    json.dump(COMMANDS[sys.argv[1]](json.load(sys.stdin)), sys.stdout)
