"""Times cmd50 and files40 (../shared/peers) with opsctl, Ansible and pyinfra on the same lab hosts.

Each tool gets a clean slate before its first files40 run; the second run must change nothing.
The end state left by each tool is compared (paths, modes, contents) so a fast wrong answer
cannot win. Prints a table of seconds and ratios, then how opsctl scales from 3 to 6 hosts.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# ../shared/peers beside the checkout (or two levels up, from a worktree in /work/wt/NAME).
PEERS = next((p for p in [os.path.join(ROOT, "..", "shared", "peers"), os.path.join(ROOT, "..", "..", "shared", "peers")]
              if os.path.isdir(p)), os.path.join(ROOT, "bench", "peers"))
PEERS = os.path.abspath(PEERS)


def lab_hosts():
    # The lab's generated inventory; OPSCTL_LAB_INVENTORY points at another checkout's (as the lab tests do).
    inv = os.environ.get("OPSCTL_LAB_INVENTORY") or os.path.join(ROOT, "inventories", "lab")
    hosts = yaml.safe_load(open(os.path.join(inv, "hosts.yml")))["all"]["hosts"]
    common = yaml.safe_load(open(os.path.join(inv, "group_vars", "all.yml")))
    return {name: (v or {}).get("ansible_host", name) for name, v in hosts.items()}, common


def write_inventories(workdir, names, addresses, common):
    os.makedirs(os.path.join(workdir, "group_vars"), exist_ok=True)
    hosts = {n: {"ansible_host": addresses[n]} for n in names}
    yaml.safe_dump({"web": {"hosts": hosts}}, open(os.path.join(workdir, "hosts.yml"), "w"))
    keep = {k: v for k, v in common.items() if k.startswith("ansible_") or k.startswith("opsctl_")}
    yaml.safe_dump(keep, open(os.path.join(workdir, "group_vars", "all.yml"), "w"))
    # pyinfra's inventory is Python: keep it out of the directory opsctl and Ansible read.
    os.makedirs(workdir + "-pyinfra", exist_ok=True)
    with open(os.path.join(workdir + "-pyinfra", "inventory.py"), "w") as f:
        f.write("web = [\n")
        for n in names:
            f.write(
                f"    ({n!r}, {{'ssh_hostname': {addresses[n]!r}, 'ssh_user': 'root', "
                f"'ssh_key': {common['ansible_ssh_private_key_file']!r}, "
                f"'ssh_known_hosts_file': {common['opsctl_known_hosts_file']!r}, "
                f"'ssh_strict_host_key_checking': 'yes'}}),\n"
            )
        f.write("]\n")
    shutil.copy(os.path.join(PEERS, "ansible.cfg"), os.path.join(workdir, "ansible.cfg"))


def timed(cmd, cwd, env=None):
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-4000:])
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}")
    return elapsed, p.stdout


def on_hosts(opsctl, workdir, command):
    return subprocess.run(
        [opsctl, "run", "web", "-i", workdir, "--no-color", "--", command],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True).stdout


def end_state(opsctl, workdir, root):
    listing = on_hosts(opsctl, workdir, f"cd {root} && find . -printf '%p %m %s\\n' | sort && cat */f.txt | md5sum")
    lines = sorted(l.split(" | ", 1)[1] for l in listing.splitlines() if " | " in l)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12], len(lines)


def only_opsctl(args, work, env, ops):
    """Best of N opsctl runs per workload, for iterating on opsctl's speed without the peers' minutes."""
    best = {}
    for _ in range(args.repeat):
        for w, t in [("cmd50", timed(ops("cmd50.yml"), work)[0])]:
            best[w] = min(best.get(w, t), t)
        on_hosts(args.opsctl, work, "rm -rf /srv/bench")
        first = timed(ops("files40.yml"), work, env)[0]
        second = timed(ops("files40.yml"), work, env)[0]
        best["files40 first"] = min(best.get("files40 first", first), first)
        best["files40 second"] = min(best.get("files40 second", second), second)
    print(f"\nopsctl alone on {args.hosts}, best of {args.repeat}, seconds")
    for w, t in best.items():
        print(f"{w:<16}{t:>10.3f}")
    print(f"load: {open('/proc/loadavg').read().strip()}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--opsctl", required=True)
    ap.add_argument("--hosts", default="app1,app2,app3")
    ap.add_argument("--scale-hosts", default="lb1,app1,app2,app3,db1,backup1")
    ap.add_argument("--only-opsctl", action="store_true",
                    help="time opsctl alone (best of --repeat runs), for quick loops; no peers, no ratios")
    ap.add_argument("--repeat", type=int, default=3, help="runs per workload with --only-opsctl")
    args = ap.parse_args()
    addresses, common = lab_hosts()
    names = args.hosts.split(",")
    work = tempfile.mkdtemp(prefix="opsctl-bench-")
    write_inventories(work, names, addresses, common)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(work, "ansible.cfg"))
    peers = {n: os.path.join(PEERS, n) for n in ["cmd50.yml", "files40.yml", "cmd50.py", "files40.py"]}

    ops = lambda pb: [args.opsctl, "play", peers[pb], "-i", work, "--no-color", "--forks", "10"]
    if args.only_opsctl:
        only_opsctl(args, work, env, ops)
        return

    results = {}
    ans = lambda pb: ["ansible-playbook", "-i", os.path.join(work, "hosts.yml"), peers[pb]]
    pyi = lambda py: ["pyinfra", "-y", os.path.join(work + "-pyinfra", "inventory.py"), peers[py]]

    results["cmd50"] = {
        "opsctl": timed(ops("cmd50.yml"), work)[0],
        "ansible": timed(ans("cmd50.yml"), work, env)[0],
        "pyinfra": timed(pyi("cmd50.py"), work)[0],
    }
    first, second = {}, {}
    for tool, cmd, root in [("opsctl", ops("files40.yml"), "/srv/bench"), ("ansible", ans("files40.yml"), "/srv/bench"),
                            ("pyinfra", pyi("files40.py"), "/srv/pyi")]:
        on_hosts(args.opsctl, work, f"rm -rf {root}")
        first[tool] = timed(cmd, work, env)[0]
        state = end_state(args.opsctl, work, root)
        second[tool] = timed(cmd, work, env)[0]
        results.setdefault("state", {})[tool] = state
    results["files40 first"] = first
    results["files40 second"] = second

    # The second opsctl run must report nothing changed.
    _, out = timed(ops("files40.yml"), work)
    recap = [l for l in out.splitlines() if " : ok=" in l]
    unchanged = all("changed=0" in l for l in recap)

    print(f"\nplaybook benchmark on {len(names)} lab hosts ({', '.join(names)}), seconds (lower is better)\n")
    print(f"{'workload':<16}{'opsctl':>10}{'ansible':>10}{'pyinfra':>10}{'vs ansible':>12}{'vs pyinfra':>12}")
    for w in ["cmd50", "files40 first", "files40 second"]:
        r = results[w]
        print(f"{w:<16}{r['opsctl']:>10.3f}{r['ansible']:>10.2f}{r['pyinfra']:>10.2f}"
              f"{r['ansible'] / r['opsctl']:>11.1f}x{r['pyinfra'] / r['opsctl']:>11.1f}x")
    s = results["state"]
    same = s["opsctl"] == s["ansible"] and s["opsctl"][1] > 0
    print(f"\nend state of files40: opsctl {s['opsctl'][0]} ansible {s['ansible'][0]} "
          f"({'identical' if same else 'DIFFERENT'}); pyinfra (its own paths) {s['pyinfra'][0]}")
    print(f"second opsctl files40 run changed nothing: {unchanged}")

    scale = args.scale_hosts.split(",")
    if all(h in addresses for h in scale):
        work6 = tempfile.mkdtemp(prefix="opsctl-bench6-")
        write_inventories(work6, scale, addresses, common)
        t6 = timed([args.opsctl, "play", peers["cmd50.yml"], "-i", work6, "--no-color"], work6)[0]
        t3 = results["cmd50"]["opsctl"]
        print(f"\nopsctl cmd50: {t3:.3f}s on {len(names)} hosts, {t6:.3f}s on {len(scale)} hosts "
              f"({t6 / t3:.2f}x the time for {len(scale) / len(names):.1f}x the hosts)")
    if not same or not unchanged:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
