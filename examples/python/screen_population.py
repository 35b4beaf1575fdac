#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Population screening on a Dask cluster: `mnscreen batch`, partitioned by patient.

    screen_population.py (--fhir-ndjson DIR --plan PLAN.json | --input FILE.ndjson)
                         [--out REPORTS.ndjson] [--errors FILE] [--summary FILE]
                         [--policy FILE] [--model FILE]
                         [--workers N | --scheduler tcp://HOST:PORT] [--partition-size N]
                         [--shared-dir DIR | --no-shared-dir] [--keep-parts]

Reads a FHIR Bulk Data export (one NDJSON file per resource type) or intake NDJSON (one
{"id", "intake", "plan"} record a line), cuts it into partitions of whole patients (lines, or
patients of the export), screens every partition on the workers of a dask.distributed cluster
(a LocalCluster of N single-threaded worker processes by default; --scheduler for a real one)
and writes the report lines, the errors file and the summary exactly as `mnscreen batch` does
on the same input: same lines in the same order (line and patient numbers of the whole
input), same errors records (the export's own problems first), same summary counts. Each
partition is screened by the library's batch pipeline (mnscreen.Screener, GIL released).

Workers read the input themselves (a partition is a byte range of the NDJSON file, or a range
of patients of the export), so on a real cluster the input must be at the same path on every
worker (a shared file system) and the `mnscreen` package installed there. Workers write each
partition's reports and error records to part files named by the partition's index (written
under a temporary name, then renamed) in a directory beside --out or in --shared-dir, which
the workers and the client must share (checked first; if not, or with --no-shared-dir, the
reports travel back through Dask). The client alone writes the outputs, in input order, to
temporary files renamed when the run is complete, joining each partition's parts once it is
complete: a worker that dies is replaced and its partitions run again (Dask retries them), its
half-written part is never read, and since each partition is taken once, by its index, nothing
is lost and nothing is written twice. The part directory is removed at the end.

Exit status as `mnscreen batch`: 0 every record screened, 2 some records failed (the outputs
are complete) or bad usage or inputs, 1 internal or I/O error, 130/143 interrupted.
docs/python.md describes it.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

import mnscreen
from mnscreen import _mnscreen

DECISIONS = ["proceed", "proceed_with_caution", "modify_plan", "defer", "do_not_treat"]
EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


# The LocalCluster's worker processes keep freed memory (glibc malloc) rather than hand it back
# to the system after every partition. Dask's default (distributed.nanny.pre-spawn-environ:
# MALLOC_TRIM_THRESHOLD_ 65536) trims the heap whenever 64 KiB are free at its top, so each
# partition's few MB of report text were faulted in afresh, page by page: measured, a third of
# a worker's CPU time went to page faults. Partitions are alike, so what one freed the next
# uses; a worker keeps at most 64 MiB it does not use.
LOCAL_WORKER_ENVIRON = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": 64 << 20,
    "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": 32 << 20,
}


# Lines per partition by default. With part files a worker holds only its partition's input
# (the library writes the reports to the part as it goes), and fewer, larger tasks cost the
# scheduler less. When the reports travel back through Dask, each partition's reports (~5 KB a
# line) are one message: 5,000 lines made them so large that the run was ~2.5x slower than with
# 2,000 (measured on 200,000 lines), hence the smaller size there.
LINES_WITH_PARTS, LINES_THROUGH_DASK = 5000, 2000


def _default_lines(a: argparse.Namespace) -> int:
    return LINES_THROUGH_DASK if a.no_shared_dir else LINES_WITH_PARTS


class UsageError(Exception):
    pass


# --- Worker side ------------------------------------------------------------------------------
# Each worker process builds its screener (and opens the export) once and keeps them in the
# mnscreen module, which stays imported in the worker for its whole life.

def _worker_cache() -> Dict[Any, Any]:
    return mnscreen.__dict__.setdefault("_population_cache", {})


def _screener(policy: Optional[str], model: Optional[str]) -> mnscreen.Screener:
    cache = _worker_cache()
    key = ("screener", policy, model)
    if key not in cache:
        cache[key] = mnscreen.Screener(policy, model)
    return cache[key]


def _bulk_export(path: str, stamp: Tuple) -> Any:
    cache = _worker_cache()
    key = ("export", path, stamp)
    if key not in cache:
        cache[key] = _mnscreen.BulkExport(path)
    return cache[key]


def _part_temp(directory: str, name: str) -> str:
    """Where a worker writes a part before renaming it to `name` (unique to the process)."""
    return os.path.join(directory, f".{name}.{os.getpid()}-{threading.get_ident()}.tmp")


def _open_part(directory: str, name: str) -> Tuple[int, str]:
    """A new temporary file for part `name`: (descriptor, path)."""
    temp = _part_temp(directory, name)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except FileNotFoundError:
        raise IOError(f"{directory}: the part directory is not visible on this worker "
                      "(not a shared file system: see --shared-dir)") from None
    return fd, temp


def _commit_part(temp: str, directory: str, name: str) -> None:
    """A whole part, written under its temporary name, renamed to `name`."""
    os.replace(temp, os.path.join(directory, name))


def _write_part(directory: str, name: str, data: bytes) -> None:
    """`data` as directory/name, whole or not at all: written under a temporary name, then
    renamed over `name` (a partition run again replaces its own part with the same bytes; a
    worker that dies mid-write leaves only a temporary file, which nobody reads)."""
    fd, temp = _open_part(directory, name)
    with os.fdopen(fd, "wb", buffering=0) as f:
        view = memoryview(data)
        while view:
            view = view[f.write(view):]
    _commit_part(temp, directory, name)


def _screen_partition(batch, parts: Optional[str],
                      index: int) -> Tuple[Optional[bytes], Optional[bytes], Dict]:
    """`batch(out_fd)` runs the library's batch pipeline on one partition and returns (report
    lines or None, error lines, counts: records, blank, screened, failed, decisions, flags per
    rule id "rules", and with an out_fd "out_bytes"). With `parts` (a directory every worker and
    the client see) the library writes the report lines straight into the partition's part
    file (renamed when whole, removed if empty), the error records go to a part file too, and
    only the counts travel back; without it, everything travels back through Dask."""
    if parts is None:
        return batch(-1)
    name = f"{index:08d}.out"
    fd, temp = _open_part(parts, name)
    try:
        try:
            _, err, counts = batch(fd)
        finally:
            os.close(fd)
        if counts["out_bytes"]:
            _commit_part(temp, parts, name)
        else:
            os.unlink(temp)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    counts["err_bytes"] = len(err)
    if err:
        _write_part(parts, f"{index:08d}.err", err)
    return None, None, counts


def screen_lines(path: str, offset: int, length: int, first_line: int,
                 policy: Optional[str], model: Optional[str], parts: Optional[str] = None,
                 index: int = 0) -> Tuple[Optional[bytes], Optional[bytes], Dict]:
    """One partition of an NDJSON file: `length` bytes from `offset`, whole lines."""
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read(length)
    if len(data) != length:
        raise IOError(f"{path}: read {len(data)} of {length} bytes at {offset}")
    core = _screener(policy, model)._core
    return _screen_partition(lambda fd: core.batch_ndjson(data, first_line, 1, fd), parts, index)


def screen_patients(path: str, stamp: Tuple, first: int, count: int, plan: str,
                    policy: Optional[str], model: Optional[str], parts: Optional[str] = None,
                    index: int = 0) -> Tuple[Optional[bytes], Optional[bytes], Dict]:
    """One partition of a FHIR export: patients [first, first + count)."""
    bulk = _bulk_export(path, stamp)
    core = _screener(policy, model)._core
    return _screen_partition(lambda fd: core.batch_fhir(bulk, plan, first, count, 1, fd),
                             parts, index)


def _probe(path: str) -> bytes:
    """Run on every worker: the bytes of the client's probe file, or b"" if it is not there."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


# --- Client side ------------------------------------------------------------------------------

def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except IsADirectoryError:
        raise UsageError(f"{path}: $: cannot read file: it is a directory") from None
    except FileNotFoundError:
        raise UsageError(f"{path}: $: cannot open file: no such file") from None
    except OSError as e:
        raise UsageError(f"{path}: $: cannot open file ({e.strerror})") from None


def _problems(e: mnscreen.InputError, names: Dict[str, str]) -> str:
    """The errors as `file: $.path: message` lines, as the tool prints them."""
    lines = []
    for d in e.errors:
        lines.append(f"{names.get(d['input'], d['input'])}: {d['path']}: {d['message']}")
    return "\n".join(lines)


def line_partitions(path: str, lines_per_partition: int) -> List[Tuple[int, int, int]]:
    """(offset, length, first_line) of runs of whole lines of `path`."""
    parts = []
    start = 0
    line = 1
    in_part = 0
    pos = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 22)
            if not block:
                break
            i = block.find(b"\n")
            while i >= 0:
                in_part += 1
                if in_part == lines_per_partition:
                    end = pos + i + 1
                    parts.append((start, end - start, line))
                    line += lines_per_partition
                    start = end
                    in_part = 0
                i = block.find(b"\n", i + 1)
            pos += len(block)
    if pos > start:
        parts.append((start, pos - start, line))
    return parts


class AtomicOutput:
    """A file written as .NAME.tmp.XXXXXX beside NAME, renamed to NAME by commit().

    As `mnscreen batch`: through a symbolic link, the file it names is replaced and the link
    stays; a device, FIFO or socket (/dev/null, a named pipe) is written in place, never
    replaced by a renamed file.
    """

    def __init__(self, path: str):
        self.path = path
        self.temp = None
        if not _replaced_by_rename(path):  # (a directory: open raises IsADirectoryError)
            self.file = open(path, "wb", buffering=0)
            return
        target = _link_target(path)
        directory = os.path.dirname(os.path.abspath(target))
        fd, self.temp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".tmp.",
                                         dir=directory)
        self.target = target
        os.fchmod(fd, 0o666 & ~_umask())
        # Unbuffered: the writes are whole partitions, and copy_from moves the file offset.
        self.file = os.fdopen(fd, "wb", buffering=0)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[self.file.write(view):]

    def copy_from(self, src, size: int) -> None:
        _copy(src, self.file, size)

    def commit(self) -> None:
        self.file.flush()
        if self.temp is None:  # a device or a FIFO, written in place
            self.file.close()
            return
        os.fsync(self.file.fileno())
        self.file.close()
        os.rename(self.temp, self.target)
        dfd = os.open(os.path.dirname(os.path.abspath(self.target)), os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        if self.temp is None:
            return
        try:
            os.unlink(self.temp)
        except FileNotFoundError:
            pass


def _replaced_by_rename(path: str) -> bool:
    """Whether AtomicOutput replaces `path` by a renamed file: a regular file, or none yet."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True


def _link_target(path: str) -> str:
    """The file `path` names once its symbolic links are followed, existing or not."""
    for _ in range(40):
        if not os.path.islink(path):
            break
        link = os.readlink(path)
        path = link if os.path.isabs(link) else os.path.join(os.path.dirname(path), link)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _StdStream:
    def __init__(self, stream):
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.buffer.write(data)
        self.stream.flush()

    def copy_from(self, src, size: int) -> None:
        self.stream.flush()
        _copy(src, self.stream.buffer, size)


def _copy(src, dest, size: int) -> None:
    """`size` bytes of the open file `src` appended to `dest` (a file object): in the kernel
    (os.sendfile) where it can, else through a buffer."""
    done = 0
    try:
        out_fd = dest.fileno()
        dest.flush()
        while done < size:
            n = os.sendfile(out_fd, src.fileno(), done, size - done)
            if n == 0:
                break
            done += n
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        if done:  # part of it went out: a real write error, not a missing sendfile
            raise
        src.seek(0)
        shutil.copyfileobj(src, dest, 1 << 20)
        done = src.tell()
        dest.flush()
    if done != size:
        raise IOError(f"{src.name}: copied {done} of {size} bytes")


class PartDirectory:
    """The directory of the workers' part files: made beside --out (or in --shared-dir),
    removed with whatever is left in it by close() (unless kept for debugging)."""

    def __init__(self, parent: str, base: str, keep: bool):
        self.path = tempfile.mkdtemp(prefix=f".{base}.parts.", dir=parent)
        self.keep = keep

    def append(self, name: str, size: int, dest) -> None:
        """Part `name` (of `size` bytes, as the worker reported) appended to `dest`, then
        removed (there is no copy of the output left on disk but the output itself)."""
        path = os.path.join(self.path, name)
        try:
            src = open(path, "rb")
        except FileNotFoundError:
            raise IOError(f"{path}: the worker's part is not there: the workers and this "
                          "client do not share the part directory (see --shared-dir)") from None
        with src:
            actual = os.fstat(src.fileno()).st_size
            if actual != size:
                raise IOError(f"{path}: {actual} bytes, the worker wrote {size}")
            dest.copy_from(src, size)
        if not self.keep:
            os.unlink(path)

    def close(self) -> None:
        if not self.keep:
            shutil.rmtree(self.path, ignore_errors=True)


def summary_json(total: Dict, input_path: str, unit: str, seconds: float) -> str:
    """mnscreen.batch-summary/1 as `mnscreen batch --summary` writes it, with `rules` (flags per
    rule id) added before `elapsed_seconds`."""
    doc = {
        "schema": "mnscreen.batch-summary/1",
        "input": input_path,
        "unit": unit,
        "records": total["records"],
        "blank": total["blank"],
        "screened": total["screened"],
        "failed": total["failed"],
        "decisions": {name: total["decisions"][i] for i, name in enumerate(DECISIONS)},
        "rules": dict(sorted(total["rules"].items())),
    }
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    return text[:-1] + ',"elapsed_seconds":%.3f}\n' % seconds


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="screen_population.py",
        description="Screens a population on a Dask cluster; the same output as `mnscreen batch`.")
    p.add_argument("--input", metavar="FILE", help="NDJSON records, one {id, intake, plan} a line")
    p.add_argument("--fhir-ndjson", metavar="DIR", help="a FHIR R4 Bulk Data export (*.ndjson)")
    p.add_argument("--plan", metavar="FILE", help="with --fhir-ndjson: the plan for every patient")
    p.add_argument("--out", "--output", dest="out", metavar="FILE",
                   help="reports, one line per screened record (default: standard output)")
    p.add_argument("--errors", metavar="FILE",
                   help="records that could not be screened (default: standard error)")
    p.add_argument("--summary", metavar="FILE", help="the summary as JSON (mnscreen.batch-summary/1)")
    p.add_argument("--policy", metavar="FILE", help="clinic policy (mnscreen.policy/1)")
    p.add_argument("--model", metavar="FILE", help="risk model of 'mnscreen fit' (mnscreen.model/1)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="worker processes of the LocalCluster (default: the number of cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="an existing Dask scheduler")
    p.add_argument("--partition-size", type=int, metavar="N",
                   help="records per partition (default: 5000 lines, 2000 when the reports "
                        "travel through Dask, or 50 patients)")
    p.add_argument("--shared-dir", metavar="DIR",
                   help="where the workers write their partitions' reports for the client to "
                        "join (a temporary directory made in DIR and removed at the end; it "
                        "must be on a file system the workers and the client share; default: "
                        "beside --out, or the system's temporary directory)")
    p.add_argument("--no-shared-dir", action="store_true",
                   help="no shared file system: the reports travel back through Dask (slower)")
    p.add_argument("--keep-parts", action="store_true",
                   help="debugging: keep the part directory (its path is printed)")
    return p.parse_args(list(argv))


def check_args(a: argparse.Namespace) -> None:
    fhir = a.fhir_ndjson is not None
    if fhir == (a.input is not None):
        raise UsageError("needs either --input FILE or --fhir-ndjson DIR (one of them)")
    if fhir and a.plan is None:
        raise UsageError("--fhir-ndjson DIR needs --plan FILE")
    if not fhir and a.plan is not None:
        raise UsageError("--plan is for --fhir-ndjson; each --input line carries its own plan")
    if (a.input or a.fhir_ndjson) == "-":
        raise UsageError("the input must be a file or directory every worker can read ('-' is not)")
    if a.workers is not None and not 1 <= a.workers <= 1024:
        raise UsageError("--workers must be in 1..1024")
    if a.workers is not None and a.scheduler is not None:
        raise UsageError("--workers is for the local cluster; not with --scheduler")
    if a.partition_size is not None and a.partition_size < 1:
        raise UsageError("--partition-size must be at least 1")
    if a.no_shared_dir and (a.shared_dir is not None or a.keep_parts):
        raise UsageError("--no-shared-dir is not for --shared-dir or --keep-parts")
    if a.shared_dir is not None and not os.path.isdir(a.shared_dir):
        raise UsageError(f"--shared-dir {a.shared_dir}: not a directory")
    outputs = []
    for key in ("out", "errors", "summary"):
        path = getattr(a, key)
        if path is None:
            continue
        if path == "-":
            raise UsageError(f"--{key} needs a file name ('-' is not one)")
        if os.path.exists(path) and stat.S_ISCHR(os.stat(path).st_mode):
            continue  # a character device (/dev/null) takes any number of outputs
        real = os.path.realpath(path)
        if real in outputs:
            raise UsageError("--out, --errors and --summary must be different files")
        if real == os.path.realpath(a.input or a.fhir_ndjson):
            raise UsageError(f"--{key} must not be the input file")
        outputs.append(real)


def _part_directory(a: argparse.Namespace, client: Any) -> Optional[PartDirectory]:
    """The part directory, if every worker sees it (a probe file written here and read by
    every worker); None (the reports travel through Dask) if one does not."""
    if a.shared_dir is not None:
        parent = a.shared_dir
    elif a.out is not None and _replaced_by_rename(a.out):
        parent = os.path.dirname(os.path.abspath(_link_target(a.out)))
    else:  # no --out, or a device or FIFO (/dev/null): nowhere to put parts beside it
        parent = tempfile.gettempdir()
    base = os.path.basename(a.out) if a.out is not None else "screen_population"
    parts = PartDirectory(os.path.abspath(parent), base, a.keep_parts)
    try:
        probe = os.path.join(parts.path, "probe")
        token = os.urandom(16).hex().encode()
        with open(probe, "wb") as f:
            f.write(token)
        seen = client.run(_probe, probe)
        os.unlink(probe)
    except BaseException:
        parts.close()
        raise
    blind = [w for w, got in seen.items() if got != token]
    if not seen or blind:
        parts.close()
        who = f"{len(blind)} of {len(seen)} workers do not" if seen else "no worker yet to"
        print(f"screen_population: {who} see {parent} (no shared file system there: see "
              "--shared-dir); the reports travel through Dask instead", file=sys.stderr)
        return None
    return parts


def submit_partitions(client: Any, tasks: List[Tuple]) -> List[Any]:
    """One future per (function, *arguments) of `tasks`, keyed by the partition's index, in
    partition order. Kept small on purpose: each submit makes the client record the source of
    the function that called it (for Dask's dashboard: distributed's _get_computation_code
    tokenizes the caller's source), which from run() took ~9 ms per partition, measured."""
    token = f"{os.getpid()}-{time.time_ns()}"
    return [client.submit(*task, key=f"mnscreen-partition-{i}-{token}")
            for i, task in enumerate(tasks)]


def run(argv: Sequence[str], client: Any = None) -> int:
    """The command; `client` is an existing dask.distributed Client (tests), else one is made
    from --scheduler or a LocalCluster."""
    a = parse_args(argv)
    try:
        check_args(a)
    except UsageError as e:
        print(f"screen_population: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    fhir = a.fhir_ndjson is not None
    input_path = a.fhir_ndjson if fhir else a.input
    unit = "patients" if fhir else "lines"

    # The screener, plan and input are checked on the client before anything is created.
    try:
        policy = _read_text(a.policy) if a.policy else None
        model = _read_text(a.model) if a.model else None
        plan = _read_text(a.plan) if fhir else None
    except UsageError as e:
        print(e, file=sys.stderr)
        return EXIT_BAD_INPUT
    names = {"policy": a.policy, "model": a.model, "plan": a.plan}
    try:
        screener = mnscreen.Screener(policy, model)
        if fhir:
            try:
                screener.screen('{"schema":"mnscreen.intake/1"}', plan)
            except mnscreen.InputError as e:
                bad = [d for d in e.errors if d["input"] == "plan"]
                if bad:
                    e.diagnostics = bad
                    raise
    except mnscreen.InputError as e:
        print(_problems(e, names), file=sys.stderr)
        return EXIT_BAD_INPUT

    bulk = None
    if fhir:
        if not os.path.isdir(input_path):
            print(f"{input_path}: $: cannot open the export: not a directory", file=sys.stderr)
            return EXIT_BAD_INPUT
        bulk = _mnscreen.BulkExport(input_path)
        if bulk.has_fatal:
            print("\n".join(bulk.diagnostic_messages), file=sys.stderr)
            return EXIT_BAD_INPUT
        stamp = tuple(sorted((n, os.stat(os.path.join(input_path, n)).st_mtime_ns)
                             for n in os.listdir(input_path) if n.endswith(".ndjson")))
        size = a.partition_size or 50
        partitions = [(first, min(size, bulk.size - first)) for first in range(0, bulk.size, size)]
    else:
        if not os.path.exists(input_path):
            print(f"{input_path}: $: cannot open file: no such file", file=sys.stderr)
            return EXIT_BAD_INPUT
        if os.path.isdir(input_path):
            print(f"{input_path}: $: cannot read file: it is a directory", file=sys.stderr)
            return EXIT_BAD_INPUT
        try:
            partitions = line_partitions(input_path, a.partition_size or _default_lines(a))
        except OSError as e:
            print(f"{input_path}: $: cannot open file ({e.strerror})", file=sys.stderr)
            return EXIT_BAD_INPUT

    files: Dict[str, AtomicOutput] = {}
    for key in ("out", "errors", "summary"):
        path = getattr(a, key)
        if path is None:
            continue
        try:
            files[key] = AtomicOutput(path)
        except OSError as e:
            for f in files.values():
                f.discard()
            print(f"screen_population: cannot create {path}: {e.strerror}", file=sys.stderr)
            return EXIT_BAD_INPUT

    def discard_all() -> None:
        for f in files.values():
            f.discard()

    output = files.get("out") or _StdStream(sys.stdout)
    errors = files.get("errors") or _StdStream(sys.stderr)
    export_errors = False
    if bulk is not None:
        record = bulk.errors_record(input_path)
        if record:
            errors.write(record.encode())
            export_errors = bulk.has_errors

    if __name__ != "__main__":
        # Imported (tests): the task functions travel by value, as they do from a script.
        import cloudpickle
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    own_client = client is None
    cluster = None
    interrupted = []
    previous = {}

    def on_signal(sig, frame):  # noqa: ARG001
        interrupted.append(sig)
        raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, on_signal)
    started = time.monotonic()  # again once the cluster is up: the rate is the screening's
    total = {"records": 0, "blank": 0, "screened": 0, "failed": 0,
             "decisions": [0] * 6, "rules": {}}
    workers = 0
    parts: Optional[PartDirectory] = None
    try:
        from distributed import Client, LocalCluster, progress
        if own_client:
            if a.scheduler:
                client = Client(a.scheduler)
            else:
                n = a.workers or os.cpu_count() or 1
                import dask
                with dask.config.set(LOCAL_WORKER_ENVIRON):
                    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
                client = Client(cluster)
        workers = len(client.scheduler_info().get("workers", {}))
        started = time.monotonic()
        if not a.no_shared_dir:
            parts = _part_directory(a, client)
            if parts is None and not fhir and a.partition_size is None:
                # The reports travel through Dask after all: the smaller partitions for that.
                partitions = line_partitions(input_path, LINES_THROUGH_DASK)
        where = parts.path if parts is not None else None
        if fhir:
            tasks = [(screen_patients, input_path, stamp, first, count, plan, policy, model,
                      where, i) for i, (first, count) in enumerate(partitions)]
        else:
            tasks = [(screen_lines, os.path.abspath(input_path), off, length, first_line, policy,
                      model, where, i) for i, (off, length, first_line) in enumerate(partitions)]
        futures = submit_partitions(client, tasks)
        bar = None
        if sys.stdout.isatty() and futures:
            # Dask's progress bar (it draws on standard output), beside the in-order writer.
            bar = threading.Thread(target=progress, args=(list(futures),), daemon=True)
            bar.start()
        # Results are taken in partition order, each once, and released when written.
        for i, future in enumerate(futures):
            out, err, counts = future.result()
            futures[i] = None
            if parts is None:
                output.write(out)
                errors.write(err)
            else:
                if counts["out_bytes"]:
                    parts.append(f"{i:08d}.out", counts["out_bytes"], output)
                if counts["err_bytes"]:
                    parts.append(f"{i:08d}.err", counts["err_bytes"], errors)
            for k in ("records", "blank", "screened", "failed"):
                total[k] += counts[k]
            for k, n in enumerate(counts["decisions"]):
                total["decisions"][k] += n
            for rule, n in counts["rules"].items():
                total["rules"][rule] = total["rules"].get(rule, 0) + n
        if bar is not None:
            bar.join(timeout=2)
            sys.stdout.write("\n")
            sys.stdout.flush()
    except KeyboardInterrupt:
        discard_all()
        sig = interrupted[0] if interrupted else signal.SIGINT
        name = "SIGINT" if sig == signal.SIGINT else "SIGTERM"
        print(f"screen_population: interrupted by {name} after {total['records']} {unit}; "
              "no output file was written", file=sys.stderr)
        return 128 + sig
    except Exception as e:  # noqa: BLE001 - a cluster or I/O failure: no output file
        discard_all()
        print(f"screen_population: {type(e).__name__}: {e}; no output file was written",
              file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if parts is not None:
            parts.close()
            if parts.keep:
                print(f"screen_population: the part files are kept in {parts.path}",
                      file=sys.stderr)
        if own_client and client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    seconds = time.monotonic() - started

    try:
        if "summary" in files:
            files["summary"].write(summary_json(total, input_path, unit, seconds).encode())
        for f in files.values():
            f.commit()
    except OSError as e:
        discard_all()
        print(f"screen_population: cannot write the output ({e.strerror}); "
              "no output file was written", file=sys.stderr)
        return EXIT_INTERNAL

    rate = total["records"] / seconds if seconds > 0 else 0.0
    line = (f"screen_population: {total['records']} {unit}: {total['screened']} screened, "
            f"{total['failed']} failed")
    if not fhir:
        line += f", {total['blank']} blank"
    line += f" ({seconds:.1f} s, {rate:.0f} {unit}/s, {workers} worker{'s' if workers != 1 else ''})"
    print(line, file=sys.stderr)
    print("  decisions: " + ", ".join(f"{name} {total['decisions'][i]}"
                                      for i, name in enumerate(DECISIONS)), file=sys.stderr)
    where = a.errors if a.errors else "standard error above"
    if total["failed"] > 0:
        print(f"  {total['failed']} failed records are listed in {where}", file=sys.stderr)
    if export_errors:
        print(f"  the export has unreadable lines: see {where}", file=sys.stderr)
    return EXIT_BAD_INPUT if total["failed"] > 0 or export_errors else EXIT_OK


def main() -> int:
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
