# SPDX-License-Identifier: Apache-2.0
"""examples/python/screen_population.py on a 2-worker LocalCluster gives what `mnscreen batch`
gives on the same input, record for record: the shared sample Bulk Data export, intake NDJSON
with bad records, and a run during which a worker process dies."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

distributed = pytest.importorskip("distributed")  # registered only when found (CMakeLists)


@pytest.fixture(scope="module")
def population(source_dir):
    path = source_dir / "examples/python/screen_population.py"
    spec = importlib.util.spec_from_file_location("screen_population", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["screen_population"] = module
    spec.loader.exec_module(module)
    return module


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
    for size in (64, 1000):
        d = tmp_path / f"dask-{size}"
        d.mkdir()
        rc = population.run(["--input", str(data), "--out", str(d / "out"), "--errors",
                             str(d / "err"), "--summary", str(d / "summary"),
                             "--partition-size", str(size)], client=client)
        assert rc == code
        assert (d / "out").read_bytes() == out
        assert (d / "err").read_bytes() == err
        same_summary(summary, json.loads((d / "summary").read_text()))
    # The errors file has the batch's records: line numbers of the whole file, every diagnostic.
    first = json.loads(err.splitlines()[0])
    assert set(first) >= {"line", "reason", "diagnostics"}


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
