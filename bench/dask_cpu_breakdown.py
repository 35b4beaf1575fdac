#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""CPU per line of each process and thread of a Dask run of examples/python/screen_population.py
in the steady state (issue 12): the LocalCluster is made first (as the example makes it), then
the per-thread CPU time of the workers (read in each worker, /proc/self/task/*/stat, by
Client.run) and of this process (client, scheduler, nannies) is read before and after run(), so
cluster start is left out. With --batch, `mnscreen batch --threads 2` runs first on the same
input, for its CPU per line. Reports go to standard output, here /dev/null (through part files
in the system's temporary directory, as bindings_bench.py).

    dask_cpu_breakdown.py SRC BUILD INPUT LINES [--workers N] [--partition-size N] [--reps K]
                          [--batch] [--extra "--no-shared-dir"]

SRC: a source tree (its examples/python/screen_population.py); BUILD: a build directory (its
python/ and tools/mnscreen). INPUT: e.g. made by bindings_bench.make_input. PROF=1 in the
environment: a cProfile of run() (the client's main thread) on standard error.
Figures: bench/README.md, "Worker and client overhead cut".
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time


def proc_times(pid="self"):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tck


def thread_times():
    """{thread name: CPU seconds} of this process's Python threads, plus 'total'."""
    tck = os.sysconf("SC_CLK_TCK")
    out = {}
    for t in threading.enumerate():
        try:
            with open(f"/proc/self/task/{t.native_id}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            name = t.name.split("-")[0] if not t.name.startswith("Dask-Default") else "task"
            out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / tck
        except OSError:
            pass
    out["total"] = proc_times()
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("src")
    p.add_argument("build")
    p.add_argument("input")
    p.add_argument("lines", type=int)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--partition-size", type=int)
    p.add_argument("--reps", type=int, default=1)
    p.add_argument("--batch", action="store_true")
    p.add_argument("--extra", default="")
    a = p.parse_args()
    sys.path.insert(0, os.path.join(a.build, "python"))
    spec = importlib.util.spec_from_file_location(
        "screen_population", os.path.join(a.src, "examples/python/screen_population.py"))
    pop = importlib.util.module_from_spec(spec)
    sys.modules["screen_population"] = pop
    spec.loader.exec_module(pop)
    import dask
    from distributed import Client, LocalCluster
    env = dict(os.environ, PYTHONPATH=os.path.join(a.build, "python"))
    os.environ["PYTHONPATH"] = env["PYTHONPATH"]
    cfg = getattr(pop, "LOCAL_WORKER_ENVIRON", {})
    make = getattr(pop, "local_cluster", None)
    if make is not None:
        cluster = make(a.workers)
    else:
        with dask.config.set(cfg):
            cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
    client = Client(cluster)
    cli = os.path.join(a.build, "tools/mnscreen")
    for rep in range(a.reps):
        if a.batch:
            with tempfile.TemporaryDirectory() as d:
                t = time.monotonic()
                r0 = os.times()
                subprocess.run([cli, "batch", "--input", a.input, "--threads", "2", "--summary",
                                os.path.join(d, "s.json")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                r1 = os.times()
                s = json.load(open(os.path.join(d, "s.json")))
                cpu = (r1.children_user + r1.children_system) - (r0.children_user + r0.children_system)
                print(f"batch: {s['records'] / s['elapsed_seconds']:8.0f} lines/s  "
                      f"{cpu / a.lines * 1e6:5.1f} us CPU/line", flush=True)
        w0 = client.run(thread_times)
        c0 = thread_times()
        with tempfile.TemporaryDirectory() as d:
            argv = ["--input", a.input, "--summary", os.path.join(d, "s.json")] + (
                ["--partition-size", str(a.partition_size)] if a.partition_size else []
            ) + a.extra.split()
            saved = sys.stdout
            sys.stdout = open(os.devnull, "w")
            t = time.monotonic()
            try:
                if os.environ.get("PROF"):
                    import cProfile, pstats
                    pr = cProfile.Profile(); pr.enable()
                code = pop.run(argv, client=client)
                if os.environ.get("PROF"):
                    pr.disable(); pstats.Stats(pr, stream=sys.stderr).sort_stats("tottime").print_stats(18)
            finally:
                sys.stdout.close()
                sys.stdout = saved
            wall = time.monotonic() - t
            s = json.load(open(os.path.join(d, "s.json")))
        w1 = client.run(thread_times)
        c1 = thread_times()
        n = s["records"]
        print(f"dask {a.workers}w: {n / s['elapsed_seconds']:8.0f} lines/s (code {code}, "
              f"wall {wall:.1f}s)", flush=True)
        tot = 0.0
        for w in w1:
            d_ = {k: w1[w][k] - w0[w].get(k, 0) for k in w1[w]}
            tot += d_["total"]
            parts = ", ".join(f"{k} {v / n * 1e6:.1f}" for k, v in sorted(d_.items()) if v > 0.005)
            print(f"  worker {w[-5:]}: {parts}  (us CPU per line of the whole input)")
        dc = {k: c1[k] - c0.get(k, 0) for k in c1}
        print("  client: " + ", ".join(f"{k} {v / n * 1e6:.1f}" for k, v in sorted(dc.items())
                                       if v > 0.005))
        print(f"  workers total {tot / n * 1e6:.1f} us/line; all processes "
              f"{(tot + dc['total']) / n * 1e6:.1f} us/line; "
              f"lines per CPU-s {n / (tot + dc['total']):.0f}", flush=True)
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
