#!/usr/bin/env python3
"""The study job on a real Flink 2.3.0 cluster against the simulation with the same settings.

    scripts/live-differential.py [--seed 21] [--interval-ms 500] [--runner PATH]
    scripts/live-differential.py --snippets      only compile the editor's Java (no cluster)

Starts the cluster (scripts/flink-cluster.sh), submits flink-job/, waits for completed
checkpoints, kills TaskManager 2's process, waits for the job to run again from a restored
checkpoint, and compares with `flinkscope run` for the same seed, source interval and a kill at
the same instant of the job:

- the job graph: vertex ids, names and parallelism, and the acknowledgements per checkpoint;
- the key groups: the print-sink subtask of each user's alarms;
- the checkpoint cadence: the time between completed checkpoints;
- the alarms before the kill, line for line;
- the duplicates after the kill: alarms printed twice by the restored job.

First it compiles the configuration editor's "equivalent Java" (`flinkscope config --java`)
with javac against Flink's lib/ for each restart strategy, both modes, unaligned checkpoints with
an aligned timeout, chaining off and RocksDB incremental: what a presenter pastes must compile.

Prints every figure, exits non-zero if a comparison fails, and stops the cluster whatever
happens. Standard library only.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLUSTER = os.path.join(ROOT, "scripts", "flink-cluster.sh")
FLINK_DIR = os.environ.get("FLINK_DIR", os.path.join(ROOT, "target", "flink-2.3.0"))
REST = "http://127.0.0.1:" + os.environ.get("FLINK_REST_PORT", "8081")
FAILURES = []


def rest(path):
    with urllib.request.urlopen(REST + path, timeout=5) as response:
        return json.load(response)


def check(what, real, simulated):
    same = real == simulated
    print(f"{'same' if same else 'DIFFERENT'}: {what}: real {real!r}, simulated {simulated!r}")
    if not same:
        FAILURES.append(what)


def wait(what, seconds, condition):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"timed out after {seconds} s waiting for {what}")


def alarm_lines():
    lines = []
    log = os.path.join(FLINK_DIR, "log")
    for name in sorted(os.listdir(log)):
        if "taskexecutor" in name and name.endswith(".out"):
            with open(os.path.join(log, name)) as out:
                lines += [line.strip() for line in out if "ALARM" in line]
    return lines


def by_seq(lines):
    """Alarm lines in the order of their (user, seq), as both systems print per key in order."""
    def key(line):
        user = re.search(r"user=(\w+)", line).group(1)
        return (int(re.search(r"seq=(\d+)", line).group(1)), user)
    return sorted(lines, key=key)


SNIPPET_CONFIGS = [
    [],
    ["restart-strategy.type=fixed-delay"],
    ["restart-strategy.type=failure-rate"],
    ["restart-strategy.type=none"],
    ["execution.checkpointing.mode=AT_LEAST_ONCE"],
    ["execution.checkpointing.unaligned.enabled=true",
     "execution.checkpointing.aligned-checkpoint-timeout=5s"],
    ["pipeline.operator-chaining.enabled=false"],
    ["state.backend.type=rocksdb", "execution.checkpointing.incremental=true"],
]


def compile_snippets(runner):
    """javac over the editor's Java for each configuration, inside a class of its own."""
    subprocess.run([CLUSTER, "build"], check=True, capture_output=True)
    lib = os.path.join(FLINK_DIR, "lib", "*")
    with tempfile.TemporaryDirectory() as work:
        for n, sets in enumerate(SNIPPET_CONFIGS):
            args = [runner, "config", "--java"] + [a for kv in sets for a in ("--set", kv)]
            snippet = subprocess.run(args, check=True, capture_output=True, text=True).stdout
            imports = [l for l in snippet.splitlines() if l.startswith("import ")]
            body = [l for l in snippet.splitlines() if l and not l.startswith("import ")]
            source = "\n".join(imports + [f"public class Snippet{n} {{",
                                          "    public static void main(String[] args) throws Exception {"]
                               + ["        " + l for l in body] + ["    }", "}"])
            path = os.path.join(work, f"Snippet{n}.java")
            with open(path, "w") as f:
                f.write(source)
            result = subprocess.run(["javac", "-nowarn", "-cp", lib, "-d", work, path],
                                    capture_output=True, text=True)
            label = " ".join(sets) or "the default configuration"
            if result.returncode == 0:
                print(f"same: the editor's Java compiles for {label}")
            else:
                print(f"DIFFERENT: the editor's Java does not compile for {label}:\n{result.stderr}")
                FAILURES.append(f"Java for {label}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--interval-ms", type=int, default=500)
    parser.add_argument("--runner", default=os.path.join(ROOT, "target", "release", "flinkscope"))
    parser.add_argument("--checkpoints", type=int, default=3, help="completed before the kill")
    parser.add_argument("--snippets", action="store_true", help="only compile the editor's Java")
    args = parser.parse_args()
    if not os.access(args.runner, os.X_OK):
        raise SystemExit(f"no runner at {args.runner}: cargo build --release --bin flinkscope")
    compile_snippets(args.runner)
    if args.snippets:
        return 1 if FAILURES else 0

    started = time.monotonic()
    subprocess.run([CLUSTER, "start"], check=True)
    print(f"cluster up in {time.monotonic() - started:.0f} s")
    jid = subprocess.run(
        [CLUSTER, "submit", "--seed", str(args.seed), "--interval-ms", str(args.interval_ms)],
        check=True, capture_output=True, text=True,
    ).stdout.split()[-1]
    job = wait("RUNNING", 60, lambda: (lambda j: j if j["state"] == "RUNNING" else None)(rest(f"/jobs/{jid}")))
    # The job's clock: the sources start with the tasks, a moment after the job's start time.
    running_at = max([job["start-time"]] + [v["start-time"] for v in job["vertices"]])
    wait(f"{args.checkpoints} completed checkpoints", 120,
         lambda: rest(f"/jobs/{jid}/checkpoints")["counts"]["completed"] >= args.checkpoints)
    before = rest(f"/jobs/{jid}/checkpoints")
    history = sorted((c for c in before["history"] if c["status"] == "COMPLETED"), key=lambda c: c["id"])
    lines_before = alarm_lines()
    subprocess.run([CLUSTER, "kill-tm", "2"], check=True)
    killed_at = int(time.time() * 1000)
    kill_after_ms = killed_at - running_at
    wait("RUNNING again from a restored checkpoint", 180, lambda: (
        rest(f"/jobs/{jid}")["state"] == "RUNNING"
        and rest(f"/jobs/{jid}/checkpoints")["counts"]["restored"] >= 1))
    recovered_ms = int(time.time() * 1000) - killed_at
    after = rest(f"/jobs/{jid}/checkpoints")
    exceptions = rest(f"/jobs/{jid}/exceptions")["exceptionHistory"]["entries"]
    # Let the restored job pass the killed instant, so every replayed alarm is printed again
    # (at least 9 source intervals: 3 abnormal events make an alarm).
    time.sleep(max(5.0, 9 * args.interval_ms / 1000))
    lines_after = alarm_lines()

    with tempfile.TemporaryDirectory() as out:
        until_ms = kill_after_ms + recovered_ms + 15_000
        subprocess.run(
            [args.runner, "run", "--seed", str(args.seed), "--until", f"{until_ms}ms",
             "--set", f"simulation.source.interval={args.interval_ms}ms",
             "-c", f"k2@{kill_after_ms}ms", "--out", out],
            check=True, capture_output=True, text=True,
        )
        sim_job_file = [f for f in os.listdir(os.path.join(out, "rest", "jobs")) if f.endswith(".json") and f != "overview.json"][0]
        sim_job = json.load(open(os.path.join(out, "rest", "jobs", sim_job_file)))
        sim_jid = sim_job_file[:-5]
        sim_cp = json.load(open(os.path.join(out, "rest", "jobs", sim_jid, "checkpoints.json")))
        with open(os.path.join(out, "sink.out")) as sink:
            sim_lines = [line.strip() for line in sink if "ALARM" in line]

    print(f"job {jid}: kill after {kill_after_ms} ms of running, RUNNING again {recovered_ms} ms later")
    check("vertices (id, name, parallelism)",
          [(v["id"], v["name"], v["parallelism"]) for v in job["vertices"]],
          [(v["id"], v["name"], v["parallelism"]) for v in sim_job["vertices"]])
    real_acks = history[-1]["num_subtasks"] if history else None
    sim_done = [c for c in sim_cp["history"] if c["status"] == "COMPLETED"]
    check("acknowledgements per checkpoint", real_acks, sim_done[0]["num_subtasks"] if sim_done else None)

    def subtask_of_user(lines):
        return sorted({(re.search(r"user=(\w+)", l).group(1), l.split(">")[0]) for l in lines})
    check("print subtask of each user (key groups)", subtask_of_user(lines_before), subtask_of_user(sim_lines))

    gaps = [b["trigger_timestamp"] - a["trigger_timestamp"] for a, b in zip(history, history[1:])]
    print(f"checkpoint cadence: real triggers {gaps} ms apart; simulated interval 10000 ms "
          f"(min pause 5000 ms); real restored from chk-{after['latest']['restored']['id']}, "
          f"{after['counts']['restored']} restores, {len(exceptions)} exceptions; simulated "
          f"{sim_cp['counts']['restored']} restores")
    if not all(9_000 <= g <= 11_000 for g in gaps):
        FAILURES.append("checkpoint cadence")

    prefix = by_seq(sim_lines)[: len(lines_before)]
    check(f"the {len(lines_before)} alarms before the kill", by_seq(lines_before), prefix)
    real_dup = sorted(l for l, n in Counter(lines_after).items() if n > 1)
    sim_dup = sorted(l for l, n in Counter(sim_lines).items() if n > 1)
    print(f"duplicates after the kill: real {len(real_dup)} {real_dup}; simulated {len(sim_dup)} {sim_dup}")
    print(f"total: {time.monotonic() - started:.0f} s")
    if FAILURES:
        print("differences:", ", ".join(FAILURES))
        return 1
    return 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        subprocess.run([CLUSTER, "stop"], check=False)
    sys.exit(code)
