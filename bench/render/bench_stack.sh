#!/bin/sh
# Renders the whole detection-service stack N times with opsctl and with Python jinja2
# (bench/render/render_stack.py, Ansible's template settings), one process per render on
# both sides, and prints the time per render side by side with the ratio.
#
#   bench/render/bench_stack.sh [-n N] [-i INVENTORY] [--opsctl PATH]
#
# Defaults: N=20, INVENTORY=inventories/production, opsctl from .build/release or PATH.
set -eu
cd "$(dirname "$0")/../.."

runs=20
inventory=inventories/production
opsctl=""
while [ $# -gt 0 ]; do
    case "$1" in
        -n) runs=$2; shift 2 ;;
        -i) inventory=$2; shift 2 ;;
        --opsctl) opsctl=$2; shift 2 ;;
        *) echo "usage: $0 [-n N] [-i INVENTORY] [--opsctl PATH]" >&2; exit 2 ;;
    esac
done
if [ -z "$opsctl" ]; then
    if [ -x .build/release/opsctl ]; then opsctl=.build/release/opsctl; else opsctl=$(command -v opsctl || true); fi
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Seconds (float) for $runs runs of the command given as arguments.
time_runs() {
    start=$(date +%s.%N)
    i=0
    while [ $i -lt "$runs" ]; do
        "$@" > /dev/null
        i=$((i + 1))
    done
    end=$(date +%s.%N)
    echo "$start $end" | awk '{ printf "%.6f", $2 - $1 }'
}

python_total=$(time_runs python3 bench/render/render_stack.py -i "$inventory" --out "$scratch/python")
python_ms=$(echo "$python_total $runs" | awk '{ printf "%.2f", $1 / $2 * 1000 }')
files=$(find "$scratch/python" -type f | wc -l)
# In-process figures of the Python peer (no interpreter start-up), for reference.
warm=$(python3 bench/render/render_stack.py -i "$inventory" --out "$scratch/python-warm" --repeat "$runs" 2>&1 >/dev/null | tail -1)

echo "stack render: $files files from $inventory, $runs runs, one process per render"
printf '%-28s %12s\n' "renderer" "ms/render"
printf '%-28s %12s\n' "python jinja2 (peer)" "$python_ms"
if [ -n "$opsctl" ] && "$opsctl" render --help > /dev/null 2>&1; then
    opsctl_total=$(time_runs "$opsctl" render -i "$inventory" --out "$scratch/opsctl")
    opsctl_ms=$(echo "$opsctl_total $runs" | awk '{ printf "%.2f", $1 / $2 * 1000 }')
    printf '%-28s %12s\n' "opsctl render" "$opsctl_ms"
    echo "$python_ms $opsctl_ms" | awk '{ printf "ratio python/opsctl: %.2fx (> 1: opsctl is faster)\n", $1 / $2 }'
    if ! diff -r "$scratch/python" "$scratch/opsctl" > "$scratch/diff"; then
        echo "WARNING: outputs differ:"; head -40 "$scratch/diff"
    fi
else
    echo "opsctl render: not available (build it: swift build -c release --product opsctl); no ratio"
fi
echo "in-process peer: $warm"
