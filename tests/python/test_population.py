# SPDX-License-Identifier: Apache-2.0
"""examples/python/screen_population.py on a 2-worker LocalCluster gives what `mnscreen batch`
gives on the same input, record for record: the shared sample Bulk Data export, intake NDJSON
with bad records, and a run during which a worker process dies."""
import importlib.util
import json
import os
import stat
import subprocess
import sys

import pytest

distributed = pytest.importorskip("distributed")  # registered only when found (CMakeLists)


def load_example(source_dir, name):
    path = source_dir / "examples/python/screen_population.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def population(source_dir):
    return load_example(source_dir, "screen_population")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def run_batch(cli, args, tmp_path, name="batch"):
    out, err, summary = (tmp_path / f"{name}.out", tmp_path / f"{name}.err",
                         tmp_path / f"{name}.summary")
    proc = subprocess.run([cli, "batch", *args, "--threads", "2", "--output", str(out),
                           "--errors", str(err), "--summary", str(summary)],
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, out.read_bytes(), err.read_bytes(), json.loads(summary.read_text())


def same_summary(batch_summary, dask_summary):
    """Every member of the batch's summary but the time; `rules` is the example's addition."""
    for key, value in batch_summary.items():
        if key != "elapsed_seconds":
            assert dask_summary[key] == value, key
    assert list(dask_summary)[:len(batch_summary) - 1] == list(batch_summary)[:-1]


def test_bulk_export_as_a_script_matches_mnscreen_batch(cli, shared_dir, examples_dir, tmp_path,
                                                        source_dir):
    export = shared_dir / "fhir/bulk-10-patients"
    plan = examples_dir / "plan-cheeks-pen.json"
    code, out, err, summary = run_batch(
        cli, ["--fhir-ndjson", str(export), "--plan", str(plan)], tmp_path)
    env = dict(os.environ)
    proc = subprocess.run(
        ["/usr/bin/python3", str(source_dir / "examples/python/screen_population.py"),
         "--fhir-ndjson", str(export), "--plan", str(plan), "--workers", "2",
         "--partition-size", "3", "--out", str(tmp_path / "d.out"),
         "--errors", str(tmp_path / "d.err"), "--summary", str(tmp_path / "d.summary")],
        capture_output=True, text=True, timeout=180, env=env)
    assert proc.returncode == code, proc.stderr
    assert (tmp_path / "d.out").read_bytes() == out
    assert (tmp_path / "d.err").read_bytes() == err
    dask_summary = json.loads((tmp_path / "d.summary").read_text())
    same_summary(summary, dask_summary)
    assert summary["records"] == 13 and len(out.splitlines()) == summary["screened"]
    # Flags per rule id, counted from the reports themselves.
    rules = {}
    for line in out.splitlines():
        for flag in json.loads(line)["report"]["flags"]:
            rules[flag["rule_id"]] = rules.get(flag["rule_id"], 0) + 1
    assert dask_summary["rules"] == rules and rules
    assert "2 workers" in proc.stderr
    # No progress bar when standard output is not a terminal.
    assert "% Completed" not in proc.stdout + proc.stderr


def make_ndjson(source_dir, path, lines):
    text = subprocess.run(["/usr/bin/python3", str(source_dir / "bench/make_batch_input.py"),
                           str(lines), "--bad-every", "37", "--seed", "11"],
                          capture_output=True, text=True, check=True).stdout
    # More kinds of bad record, and a last line without its newline.
    extra = ['[1, 2]', '{"id": 5, "intake": {"schema": "mnscreen.intake/1"}}', '   ',
             '{"id": "last", "intake": {"patient": {"birth_date": "2030-01-01"}}, '
             '"plan": {"date": "2026-12-01", "device": "pen", "needle_depth_mm": 1.0, '
             '"areas": ["cheeks"]}}']
    path.write_text(text + "\n".join(extra))


def test_intake_ndjson_matches_mnscreen_batch(population, client, cli, source_dir, tmp_path):
    data = tmp_path / "in.ndjson"
    make_ndjson(source_dir, data, 700)
    code, out, err, summary = run_batch(cli, ["--input", str(data)], tmp_path)
    assert code == 2 and summary["failed"] > 10 and summary["blank"] > 0
    # Reports through part files beside --out (the default) and back through Dask.
    for size, transfer in ((64, []), (1000, []), (64, ["--no-shared-dir"])):
        d = tmp_path / f"dask-{size}-{len(transfer)}"
        d.mkdir()
        rc = population.run(["--input", str(data), "--out", str(d / "out"), "--errors",
                             str(d / "err"), "--summary", str(d / "summary"),
                             "--partition-size", str(size), *transfer], client=client)
        assert rc == code
        assert (d / "out").read_bytes() == out
        assert (d / "err").read_bytes() == err
        same_summary(summary, json.loads((d / "summary").read_text()))
        # The part directory and the temporary outputs are gone: only the three outputs.
        assert sorted(p.name for p in d.iterdir()) == ["err", "out", "summary"]
    # The errors file has the batch's records: line numbers of the whole file, every diagnostic.
    first = json.loads(err.splitlines()[0])
    assert set(first) >= {"line", "reason", "diagnostics"}


def test_partitions_screened_into_a_descriptor_are_the_batch_output(population, cli,
                                                                    source_dir, tmp_path):
    """What a worker does with one partition, without Dask: the library writes the report lines
    straight into the part file's descriptor (the same bytes as returned in memory), the flags
    per rule id come from the pipeline, and the partitions put together are `mnscreen batch`."""
    import mnscreen
    data = tmp_path / "in.ndjson"
    make_ndjson(source_dir, data, 300)
    code, out, err, summary = run_batch(cli, ["--input", str(data)], tmp_path)
    text = data.read_bytes()
    partitions = population.line_partitions(str(data), 70)
    # Runs of 70 whole lines, back to back, the last one the rest (no newline at its end).
    assert [p[2] for p in partitions] == [1, 71, 141, 211, 281]
    assert b"".join(text[o:o + n] for o, n, _ in partitions) == text
    assert all(text[o + n - 1:o + n] == b"\n" for o, n, _ in partitions[:-1])
    core = mnscreen.Screener()._core
    outs, errs, rules = [], [], {}
    for offset, length, first_line in partitions:
        part = text[offset:offset + length]
        o, e, counts = core.batch_ndjson(part, first_line)
        path = tmp_path / f"part-{first_line}"
        with open(path, "wb") as f:
            none, e2, counts2 = core.batch_ndjson(part, first_line, 1, f.fileno())
        assert none is None and e2 == e
        assert path.read_bytes() == o and counts2.pop("out_bytes") == len(o)
        assert counts2 == counts
        counted = {}
        for line in o.splitlines():
            for flag in json.loads(line)["report"]["flags"]:
                counted[flag["rule_id"]] = counted.get(flag["rule_id"], 0) + 1
        assert counts["rules"] == counted
        for rule, n in counted.items():
            rules[rule] = rules.get(rule, 0) + n
        outs.append(o)
        errs.append(e)
    assert b"".join(outs) == out and b"".join(errs) == err
    assert sum(rules.values()) > summary["screened"]
    # A descriptor that cannot be written: an OSError, not a crash and not a short part.
    with open(data, "rb") as f:
        with pytest.raises(OSError):
            core.batch_ndjson(text[:partitions[0][1]], 1, 1, f.fileno())


def test_parts_in_a_shared_dir_kept_for_debugging(population, client, cli, source_dir,
                                                  tmp_path, capsys):
    data = tmp_path / "in.ndjson"
    make_ndjson(source_dir, data, 300)
    code, out, err, summary = run_batch(cli, ["--input", str(data)], tmp_path)
    shared, d = tmp_path / "shared", tmp_path / "d"
    shared.mkdir()
    d.mkdir()
    rc = population.run(["--input", str(data), "--out", str(d / "out"), "--errors",
                         str(d / "err"), "--partition-size", "100", "--shared-dir", str(shared),
                         "--keep-parts"], client=client)
    assert rc == code
    assert (d / "out").read_bytes() == out and (d / "err").read_bytes() == err
    assert sorted(p.name for p in d.iterdir()) == ["err", "out"]
    # The workers wrote one part per partition and output, named by the partition's index;
    # the client joined them in order.
    [kept] = shared.iterdir()
    assert f"the part files are kept in {kept}" in capsys.readouterr().err
    names = sorted(p.name for p in kept.iterdir())
    # (the last partition, 4 lines, has only bad and blank ones: no reports, so no .out)
    assert names == ["00000000.err", "00000000.out", "00000001.err", "00000001.out",
                     "00000002.err", "00000002.out", "00000003.err"]
    assert b"".join((kept / n).read_bytes() for n in names if n.endswith(".out")) == out
    assert b"".join((kept / n).read_bytes() for n in names if n.endswith(".err")) == err
    # Without --keep-parts the shared directory is left as it was found.
    import shutil
    shutil.rmtree(kept)
    rc = population.run(["--input", str(data), "--out", str(d / "out2"), "--partition-size",
                         "100", "--shared-dir", str(shared)], client=client)
    assert rc == code and (d / "out2").read_bytes() == out
    assert list(shared.iterdir()) == []


def test_workers_that_do_not_see_the_part_directory_send_the_reports_back(client, cli,
                                                                          source_dir, tmp_path,
                                                                          capsys):
    data = tmp_path / "in.ndjson"
    make_ndjson(source_dir, data, 300)
    code, out, err, summary = run_batch(cli, ["--input", str(data)], tmp_path)
    # As workers on machines without the directory: the probe file is not there for them.
    population = load_example(source_dir, "screen_population_blind_workers")
    population._probe = lambda path: b""
    d = tmp_path / "d"
    d.mkdir()
    rc = population.run(["--input", str(data), "--out", str(d / "out"), "--errors",
                         str(d / "err"), "--summary", str(d / "summary"), "--partition-size",
                         "50"], client=client)
    assert rc == code
    assert f"2 of 2 workers do not see {d}" in capsys.readouterr().err
    assert (d / "out").read_bytes() == out and (d / "err").read_bytes() == err
    same_summary(summary, json.loads((d / "summary").read_text()))
    assert sorted(p.name for p in d.iterdir()) == ["err", "out", "summary"]


def test_a_link_is_followed_and_a_fifo_or_dev_null_is_not_replaced(population, client, cli,
                                                                     source_dir, tmp_path):
    data = tmp_path / "in.ndjson"
    make_ndjson(source_dir, data, 40)
    code, out, err, _ = run_batch(cli, ["--input", str(data)], tmp_path)
    d = tmp_path / "run"
    d.mkdir()
    (d / "real.out").write_bytes(b"an earlier run's output\n")
    os.symlink("real.out", d / "out")
    fifo = d / "err.fifo"
    os.mkfifo(fifo)
    # The read end opened first (the run's open for writing then does not wait), read after
    # the run: the errors of 40 lines fit in the pipe's buffer.
    rd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        rc = population.run(["--input", str(data), "--out", str(d / "out"), "--errors",
                             str(fifo), "--partition-size", "16"], client=client)
        got = b""
        while chunk := os.read(rd, 65536):
            got += chunk
    finally:
        os.close(rd)
    assert rc == code
    assert os.path.islink(d / "out") and (d / "real.out").read_bytes() == out
    assert got == err and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    # Parts and temporary files were beside the link's file, and are gone.
    assert sorted(p.name for p in d.iterdir()) == ["err.fifo", "out", "real.out"]
    # Every output to /dev/null (only now: had the FIFO been replaced, /dev/null would be too):
    # accepted, and /dev/null stays a device.
    rc = population.run(["--input", str(data), "--out", os.devnull, "--errors", os.devnull,
                         "--summary", os.devnull, "--partition-size", "16"], client=client)
    assert rc == code and stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_usage_and_input_errors(population, tmp_path, examples_dir, capsys):
    assert population.run(["--out", str(tmp_path / "x")]) == 2
    assert population.run(["--input", "a", "--fhir-ndjson", "b"]) == 2
    assert population.run(["--input", str(tmp_path / "missing.ndjson")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad_plan = tmp_path / "plan.json"
    bad_plan.write_text('{"schema": "mnscreen.plan/1", "date": "2026-12-01", "device": "pen", '
                        '"needle_depth_mm": 9, "areas": ["cheeks"]}')
    assert population.run(["--fhir-ndjson", str(tmp_path), "--plan", str(bad_plan)]) == 2
    assert f"{bad_plan}: $.needle_depth_mm" in capsys.readouterr().err
    bad_policy = tmp_path / "policy.json"
    bad_policy.write_text("{")
    assert population.run(["--input", str(examples_dir / "plan-rf.json"), "--policy",
                           str(bad_policy)]) == 2
    assert f"{bad_policy}: $" in capsys.readouterr().err
    data = examples_dir / "plan-rf.json"
    assert population.run(["--input", str(data), "--shared-dir", str(tmp_path / "none")]) == 2
    assert "--shared-dir" in capsys.readouterr().err
    assert population.run(["--input", str(data), "--no-shared-dir", "--keep-parts"]) == 2
    assert not (tmp_path / "x").exists()


class KillOnce(distributed.WorkerPlugin):
    """Kills its worker process the first time one chosen partition starts (a marker file
    makes it once in the whole cluster), as a machine that dies mid-run."""

    def __init__(self, key_prefix, marker):
        self.key_prefix = key_prefix
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing" and str(key).startswith(self.key_prefix):
            try:
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return
            os.close(fd)
            os._exit(1)


def test_a_worker_that_dies_loses_nothing_and_duplicates_nothing(population, cli, source_dir,
                                                                 tmp_path):
    data = tmp_path / "in.ndjson"
    make_ndjson(source_dir, data, 400)
    code, out, err, summary = run_batch(cli, ["--input", str(data)], tmp_path)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    try:
        marker = tmp_path / "killed"
        c.register_worker_plugin(KillOnce("mnscreen-partition-3-", str(marker)), name="kill")
        rc = population.run(["--input", str(data), "--out", str(tmp_path / "d.out"),
                             "--errors", str(tmp_path / "d.err"), "--summary",
                             str(tmp_path / "d.summary"), "--partition-size", "40"], client=c)
    finally:
        c.close()
        cluster.close()
    assert marker.exists(), "the worker was not killed"
    assert rc == code
    got = (tmp_path / "d.out").read_bytes()
    assert got == out
    ids = [json.loads(line)["line"] for line in got.splitlines()]
    assert len(ids) == len(set(ids)) == summary["screened"]
    assert (tmp_path / "d.err").read_bytes() == err
    same_summary(summary, json.loads((tmp_path / "d.summary").read_text()))


class DieMidWrite:
    """Stands for the example's _commit_part (the rename of a part written whole under its
    temporary name): the first time one chosen part is committed in the whole cluster (a marker
    file), it cuts the temporary file to half its bytes and kills its worker process, as a
    machine that dies while the library is still writing the part's report lines."""

    def __init__(self, real, name, marker):
        self.real, self.name, self.marker = real, name, marker

    def __call__(self, temp, directory, name):
        if name == self.name:
            try:
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return self.real(temp, directory, name)
            os.close(fd)
            os.truncate(temp, os.path.getsize(temp) // 2)
            os._exit(1)
        return self.real(temp, directory, name)


def test_a_worker_that_dies_while_writing_its_part_loses_nothing(cli, source_dir, tmp_path):
    data = tmp_path / "in.ndjson"
    make_ndjson(source_dir, data, 400)
    code, out, err, summary = run_batch(cli, ["--input", str(data)], tmp_path)
    marker, shared = tmp_path / "killed", tmp_path / "shared"
    shared.mkdir()
    # The task functions travel by value, with the module's globals as they are when first
    # sent (Dask keeps them): a fresh copy of the example, with _commit_part replaced.
    population = load_example(source_dir, "screen_population_dies_mid_write")
    population._commit_part = DieMidWrite(population._commit_part, "00000003.out", str(marker))
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    c = distributed.Client(cluster)
    try:
        rc = population.run(["--input", str(data), "--out", str(tmp_path / "d.out"),
                             "--errors", str(tmp_path / "d.err"), "--partition-size", "40",
                             "--shared-dir", str(shared), "--keep-parts"], client=c)
    finally:
        c.close()
        cluster.close()
    assert marker.exists(), "the worker was not killed"
    assert rc == code
    assert (tmp_path / "d.out").read_bytes() == out
    assert (tmp_path / "d.err").read_bytes() == err
    # The dead worker's half part is still there under its temporary name, unused; the part
    # of the partition run again is whole.
    [kept] = shared.iterdir()
    [half] = kept.glob(".00000003.out.*.tmp")
    whole = (kept / "00000003.out").read_bytes()
    assert half.read_bytes() == whole[:len(whole) // 2] and len(whole) > 1000


def test_an_export_with_unreadable_lines_matches_mnscreen_batch(population, client, cli,
                                                                  shared_dir, examples_dir,
                                                                  tmp_path):
    import shutil
    export = tmp_path / "export"
    shutil.copytree(shared_dir / "fhir/bulk-10-patients", export)
    with open(export / "Condition.000.ndjson", "a") as f:
        f.write('{"resourceType": "Condition", "subject": \n')   # not JSON
        f.write('{"resourceType": "Condition", "id": "orphan", "code": {"text": "x"}}\n')
    plan = examples_dir / "plan-cheeks-pen.json"
    code, out, err, summary = run_batch(
        cli, ["--fhir-ndjson", str(export), "--plan", str(plan)], tmp_path)
    assert code == 2
    assert json.loads(err.splitlines()[0])["export"] == str(export)
    d = tmp_path / "dask"
    d.mkdir()
    rc = population.run(["--fhir-ndjson", str(export), "--plan", str(plan), "--out",
                         str(d / "out"), "--errors", str(d / "err"), "--summary",
                         str(d / "summary"), "--partition-size", "5"], client=client)
    assert rc == code
    assert (d / "out").read_bytes() == out
    assert (d / "err").read_bytes() == err
    same_summary(summary, json.loads((d / "summary").read_text()))
