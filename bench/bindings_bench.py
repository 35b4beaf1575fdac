#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Throughput and per-call cost of the bindings (issue 12), all in one run on one input:

  1. `mnscreen batch --threads 2` (the baseline),
  2. the Python package: a loop over the file calling Screener.screen_many per 256 lines
     (dicts in, dicts out; and with JSON text out),
  3. examples/python/screen_population.py on a Dask LocalCluster of 1 and of 2 workers,

each in lines/s over the same generated input (bench/make_batch_input.py, with every line's plan
replaced by one clinic plan, since screen_many takes one plan for many intakes; reports go to
/dev/null), then the per-call cost of the C API and of Python's Screener.screen against the C++
library (bindings_bench, Google Benchmark) on the typical intake of bench_data.hpp.

    bench/bindings_bench.py --build build/bench [--lines 1000000] [--output-dir DIR] [--pairs N]
                            [--skip-python] [--skip-per-call]

--output-dir DIR: batch and Dask write their reports to a file in DIR (as a population screen
does; removed after each run) instead of standard output on /dev/null. --pairs N: afterwards,
N alternating runs of `mnscreen batch` and Dask with 2 workers, each pair's ratio and their
median (on a shared machine, pairs taken close together compare better than one of each).
--skip-python: no screen_many loop (the slowest part at 1M lines).

Figures: bench/README.md. Needs Debian's /usr/bin/python3 with python3-dask and
python3-distributed, and a build with MNSCREEN_BUILD_BENCH=ON (for bindings_bench).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
PY_ENV = dict(os.environ)


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def own_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def log(msg):
    print(msg, flush=True)


def make_input(path, lines):
    plan = json.load(open(os.path.join(HERE, "../examples/data/plan-cheeks-pen.json")))
    gen = subprocess.Popen([sys.executable, os.path.join(HERE, "make_batch_input.py"), str(lines)],
                           stdout=subprocess.PIPE, text=True)
    with open(path, "w") as out:
        for line in gen.stdout:
            rec = json.loads(line)
            rec["plan"] = plan
            # The documents name their schema (optional in batch lines, required on their own).
            rec["intake"] = {"schema": "mnscreen.intake/1", **rec["intake"]}
            out.write(json.dumps(rec, separators=(",", ":")) + "\n")
    if gen.wait() != 0:
        raise SystemExit("make_batch_input.py failed")
    return plan


def output_args(out_dir, flag):
    """The option that sends the reports to a file in out_dir (none: standard output)."""
    return [flag, os.path.join(out_dir, "reports.ndjson")] if out_dir else []


def remove_output(out_dir):
    if out_dir and os.path.exists(os.path.join(out_dir, "reports.ndjson")):
        os.unlink(os.path.join(out_dir, "reports.ndjson"))


def run_batch(cli, path, lines, out_dir=None):
    with tempfile.TemporaryDirectory() as d:
        summary = os.path.join(d, "s.json")
        t = time.monotonic()
        cpu = children_cpu()
        subprocess.run([cli, "batch", "--input", path, "--threads", "2", "--summary", summary,
                        *output_args(out_dir, "--output")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu = children_cpu() - cpu
        wall = time.monotonic() - t
        s = json.load(open(summary))
    remove_output(out_dir)
    assert s["records"] == lines, s
    return s["records"] / s["elapsed_seconds"], wall, s["records"] / cpu


def run_python(path, plan, as_text):
    import mnscreen
    s = mnscreen.Screener()
    n = 0
    t = time.monotonic()
    cpu = own_cpu()
    with open(path) as f:
        chunk = []
        for line in f:
            chunk.append(json.loads(line)["intake"])
            if len(chunk) == 256:
                n += len(s.screen_many(chunk, plan, errors="return", as_text=as_text))
                chunk = []
        if chunk:
            n += len(s.screen_many(chunk, plan, errors="return", as_text=as_text))
    return n / (time.monotonic() - t), n / (own_cpu() - cpu)


def run_dask(path, workers, lines, extra=(), out_dir=None):
    with tempfile.TemporaryDirectory() as d:
        summary = os.path.join(d, "s.json")
        t = time.monotonic()
        cpu = children_cpu()
        # The reports go to standard output (/dev/null), through part files in the system's
        # temporary directory (or, with --no-shared-dir, back through Dask).
        subprocess.run([sys.executable, os.path.join(HERE, "../examples/python/screen_population.py"),
                        "--input", path, "--workers", str(workers), "--summary", summary, *extra,
                        *output_args(out_dir, "--out")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=PY_ENV)
        cpu = children_cpu() - cpu  # the client, scheduler, nannies and workers (all waited for)
        wall = time.monotonic() - t
        s = json.load(open(summary))
    remove_output(out_dir)
    assert s["records"] == lines, s
    return s["records"] / s["elapsed_seconds"], wall, s["records"] / cpu


def per_call(build):
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run([os.path.join(build, "bench/bindings_bench"), f"--dump={d}",
                              "--benchmark_format=json"], capture_output=True, text=True,
                             check=True).stdout
        intake_text = open(os.path.join(d, "intake.json")).read()
        plan_text = open(os.path.join(d, "plan.json")).read()
    results = {}
    for b in json.loads(out)["benchmarks"]:
        # Aggregates are named e.g. "capi_screen_median" with run_name "capi_screen".
        if b.get("aggregate_name") == "median":
            results[b["run_name"].split("/")[0]] = b["cpu_time"] / 1e3  # ns -> µs
    import mnscreen
    s = mnscreen.Screener()
    intake, plan = json.loads(intake_text), json.loads(plan_text)
    for name, call in [("python_screen_text", lambda: s.screen(intake_text, plan_text, as_text=True)),
                       ("python_screen_dict", lambda: s.screen(intake, plan))]:
        # CPU time of this process (as Google Benchmark's cpu_time), not wall time: the machine
        # may be shared.
        timer = timeit.Timer(call, timer=time.process_time)
        reps = [timer.timeit(number=2000) / 2000 * 1e6 for _ in range(5)]
        results[name] = sorted(reps)[2]
    return results


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(HERE, "../build/bench"))
    p.add_argument("--lines", type=int, default=1000000)
    p.add_argument("--skip-throughput", action="store_true")
    p.add_argument("--skip-python", action="store_true",
                   help="no Python screen_many loop (batch and Dask only)")
    p.add_argument("--skip-per-call", action="store_true",
                   help="no per-call part (it needs a build with MNSCREEN_BUILD_BENCH=ON)")
    p.add_argument("--output-dir", help="write the reports of batch and Dask to a file here")
    p.add_argument("--pairs", type=int, default=0,
                   help="alternating batch / Dask (2 workers) runs afterwards")
    a = p.parse_args()
    sys.path.insert(0, os.path.join(a.build, "python"))
    PY_ENV["PYTHONPATH"] = os.path.join(a.build, "python")
    cli = os.path.join(a.build, "tools/mnscreen")
    log(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; "
        f"date {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}")
    if not a.skip_throughput:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "in.ndjson")
            plan = make_input(path, a.lines)
            log(f"input: {a.lines} lines, {os.path.getsize(path) / 1e6:.0f} MB; reports to "
                + (f"a file in {a.output_dir}" if a.output_dir else "/dev/null"))
            log("                                 lines/s (ratio)        lines per CPU-second (ratio)")
            rate, wall, eff = run_batch(cli, path, a.lines, a.output_dir)
            log(f"mnscreen batch --threads 2      {rate:9.0f} (1.00x)   {eff:9.0f} (1.00x)"
                f"   wall {wall:.1f} s")
            base, base_eff = rate, eff
            for as_text in () if a.skip_python else (False, True):
                r, e = run_python(path, plan, as_text)
                label = "Python screen_many, " + ("text out" if as_text else "dicts   ")
                log(f"{label}    {r:9.0f} ({r / base:.2f}x)   {e:9.0f} ({e / base_eff:.2f}x)"
                    "   one thread")
            for w, extra in ((1, ()), (2, ()), (2, ("--no-shared-dir",))):
                r, wall, e = run_dask(path, w, a.lines, extra, a.output_dir)
                log(f"Dask LocalCluster, {w} worker{'s' if w > 1 else ' '}   {r:9.0f} ({r / base:.2f}x)"
                    f"   {e:9.0f} ({e / base_eff:.2f}x)   wall {wall:.1f} s incl. cluster start"
                    + (", reports back through Dask (--no-shared-dir)" if extra else ""))
            ratios = []
            for i in range(a.pairs):
                b, _, be = run_batch(cli, path, a.lines, a.output_dir)
                r, _, re_ = run_dask(path, 2, a.lines, (), a.output_dir)
                ratios.append(r / b)
                log(f"pair {i + 1}: batch {b:9.0f} lines/s, Dask 2 workers {r:9.0f} lines/s, "
                    f"{r / b:.2f}x; lines per CPU-second {be:.0f} and {re_:.0f}, "
                    f"{re_ / be:.2f}x; load {os.getloadavg()[0]:.1f}")
            if ratios:
                log(f"median of {len(ratios)} pairs: {sorted(ratios)[len(ratios) // 2]:.2f}x")
            log(f"load average after: {os.getloadavg()[0]:.1f}")
    if a.skip_per_call:
        return
    r = per_call(a.build)
    base, native = r["cpp_screen"], r["cpp_json_screen"]
    log("per call (median CPU µs; ratio to C++ JSON in/out; ratio to screener::screen):")
    for name in ("cpp_screen", "cpp_json_screen", "capi_screen", "python_screen_text",
                 "python_screen_dict"):
        log(f"  {name:20s} {r[name]:8.1f} µs  {r[name] / native:5.2f}x  {r[name] / base:6.2f}x")


if __name__ == "__main__":
    main()
