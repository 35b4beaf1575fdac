# SPDX-License-Identifier: Apache-2.0
"""The mnscreen Python package: documents in, reports out, bad input as InputError, the same
bytes as `mnscreen screen`, screen_many equal to screen, threads."""
import json
import subprocess
import threading
import time

import pytest

import mnscreen


@pytest.fixture(scope="module")
def screener():
    return mnscreen.Screener()


@pytest.fixture(scope="module")
def plan(examples_dir):
    return json.loads((examples_dir / "plan-cheeks-pen.json").read_text())


def intake(examples_dir, name):
    return json.loads((examples_dir / f"intake-{name}.json").read_text())


def test_versions_match_the_tool(cli):
    version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout
    assert mnscreen.__version__ in version
    assert mnscreen.knowledge_version == mnscreen.rules()["knowledge_version"]
    assert mnscreen.knowledge_version in version


def test_screen_dict_and_text_give_the_same_report(screener, plan, examples_dir):
    doc = intake(examples_dir, "isotretinoin")
    from_dict = screener.screen(doc, plan)
    from_text = screener.screen(json.dumps(doc), json.dumps(plan))
    from_bytes = screener.screen(json.dumps(doc).encode(), plan)
    assert from_dict == from_text == from_bytes
    assert from_dict["schema"] == "mnscreen.report/1"
    assert from_dict["decision"] == "defer"
    assert from_dict["defer_until"] == "2027-03-14"
    assert "isotretinoin_recent" in [f["rule_id"] for f in from_dict["flags"]]


@pytest.mark.parametrize("name", ["healthy", "isotretinoin", "pacemaker", "incomplete",
                                  "bleeding-disorder", "cold-sores"])
def test_report_text_is_byte_identical_to_mnscreen_screen(screener, examples_dir, cli, tmp_path,
                                                          name):
    text = (examples_dir / f"intake-{name}.json").read_text()
    # A warning too: its message names the input as the tool names the file.
    text = text.replace("{", '{"favourite_colour": "blue",', 1)
    (tmp_path / "intake").write_text(text)
    (tmp_path / "plan").write_text((examples_dir / "plan-rf.json").read_text())
    expected = subprocess.run([cli, "screen", "--intake", "intake", "--plan", "plan"],
                              cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    got = screener.screen(text, (examples_dir / "plan-rf.json").read_text(), as_text=True)
    assert got + "\n" == expected
    assert '"message":"intake: unknown key' in got


def test_screen_fhir_with_and_without_overlay(screener, plan, shared_dir, cli, tmp_path,
                                              examples_dir):
    bundle = (shared_dir / "fhir/bundles/synthea-r4-16b9a4bc.json").read_text()
    report = screener.screen_fhir(bundle, plan)
    assert any("pregnan" in q["ask"].lower() for q in report["questions"])
    overlay = {"schema": "mnscreen.intake/1", "patient": {"fitzpatrick": 5}}
    with_overlay = screener.screen_fhir(json.loads(bundle), plan, overlay)
    assert with_overlay != report
    (tmp_path / "fhir").write_text(bundle)
    (tmp_path / "plan").write_text(json.dumps(plan))
    (tmp_path / "overlay").write_text(json.dumps(overlay))
    expected = subprocess.run(
        [cli, "screen", "--fhir", "fhir", "--plan", "plan", "--intake", "overlay"],
        cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert screener.screen_fhir(bundle, plan, overlay, as_text=True) + "\n" == expected


def test_input_errors_carry_every_diagnostic(screener, plan):
    bad = {"schema": "mnscreen.intake/1", "medications": [{"code": "isotretinion"}]}
    with pytest.raises(mnscreen.InputError) as caught:
        screener.screen(bad, {"date": "someday"})
    e = caught.value
    paths = {(d["input"], d["path"], d["code"]) for d in e.errors}
    assert ("intake", "$.medications[0].code", "unknown_code") in paths
    assert any(d.input == "plan" for d in e.errors)  # attribute access too
    assert str(e).startswith("intake: $.medications[0].code: ")
    assert isinstance(e, ValueError)

    for text, code in [("{", "malformed_json"), ("", "malformed_json"), ("[]", "wrong_type"),
                       ("{\"schema\": \"mnscreen.intake/1\", \"patient\": {\"fitzpatrick\": 9}}",
                        "out_of_range")]:
        with pytest.raises(mnscreen.InputError) as caught:
            screener.screen(text, plan)
        assert code in [d["code"] for d in caught.value.errors], text


def test_values_that_are_not_json_are_input_errors_not_crashes(screener, plan):
    with pytest.raises(mnscreen.InputError) as caught:
        screener.screen({"schema": "mnscreen.intake/1", "labs": [{"value": float("nan")}]}, plan)
    assert caught.value.errors[0]["input"] == "intake"
    with pytest.raises(TypeError):
        screener.screen(42, plan)
    with pytest.raises(TypeError):
        screener.screen(None, plan)


def test_bad_policy_and_model(examples_dir):
    with pytest.raises(mnscreen.InputError) as caught:
        mnscreen.Screener(policy={"settings": {"no_such_setting": 1}})
    assert caught.value.errors[0]["input"] == "policy"
    with pytest.raises(mnscreen.InputError) as caught:
        mnscreen.Screener(model="{}")
    assert caught.value.errors[0]["input"] == "model"
    permissive = mnscreen.Screener(
        policy=(examples_dir / "policy-permissive-isotretinoin.json").read_text())
    assert permissive.policy()["name"] == "permissive-isotretinoin"
    assert mnscreen.policy()["name"] == "default"
    assert permissive.policy().keys() == mnscreen.policy().keys()  # every setting, in full


def test_screen_many_equals_screen_over_any_iterable(screener, plan, examples_dir):
    names = ["healthy", "isotretinoin", "pacemaker", "incomplete", "bleeding-disorder"]
    docs = [intake(examples_dir, n) for n in names] * 120  # 600: more than one chunk
    many = screener.screen_many((d for d in docs), plan)  # a generator
    assert len(many) == len(docs)
    singles = {n: screener.screen(intake(examples_dir, n), plan) for n in names}
    for i, report in enumerate(many):
        assert report == singles[names[i % len(names)]]
    assert screener.screen_many([], plan) == []


def test_screen_many_errors_raise_or_return(screener, plan, examples_dir):
    good = intake(examples_dir, "healthy")
    docs = [good, "{", good, {"schema": "mnscreen.intake/1", "sex": 3}]
    with pytest.raises(mnscreen.InputError) as caught:
        screener.screen_many(docs, plan)
    assert caught.value.index == 1
    results = screener.screen_many(docs, plan, errors="return")
    # The last one has an unknown key: a warning in its report, not an error.
    assert [type(r).__name__ for r in results] == ["dict", "InputError", "dict", "dict"]
    assert any(w["code"] == "unknown_key" for w in results[3]["warnings"])
    assert results[1].index == 1
    # A dict that cannot be written as JSON is that record's error, in its place.
    mixed = screener.screen_many([good, {"schema": "mnscreen.intake/1", "x": float("nan")}, good],
                                 plan, errors="return")
    assert isinstance(mixed[1], mnscreen.InputError) and mixed[1].index == 1
    assert mixed[0] == mixed[2]
    assert results[0] == results[2] == screener.screen(good, plan)
    with pytest.raises(mnscreen.InputError):
        screener.screen_many([good], {"date": "x"})  # a bad plan always raises
    with pytest.raises(ValueError):
        screener.screen_many([good], plan, errors="ignore")


def test_rules_catalogue(cli):
    expected = json.loads(subprocess.run([cli, "rules", "--format", "json"], capture_output=True,
                                         text=True, check=True).stdout)
    assert mnscreen.rules() == expected
    assert mnscreen.Screener().rules() == expected


def test_threads_share_one_screener(screener, plan, examples_dir):
    names = ["healthy", "isotretinoin", "pacemaker", "cold-sores"]
    expected = {n: screener.screen(intake(examples_dir, n), plan, as_text=True) for n in names}
    failures = []

    def work(k):
        for r in range(30):
            n = names[(k + r) % len(names)]
            if screener.screen(intake(examples_dir, n), plan, as_text=True) != expected[n]:
                failures.append(n)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_screening_releases_the_gil(screener, plan, examples_dir):
    """While one thread is inside the C++ screen_many (one call of 3000 records), another keeps
    running Python: the longest pause it sees is a fraction of the call."""
    text = json.dumps(intake(examples_dir, "incomplete"))
    plan_text = json.dumps(plan)
    records = [text] * 3000
    done = threading.Event()
    span = []

    def call():
        start = time.monotonic()
        screener._core.screen_many(records, plan_text)
        span.append(time.monotonic() - start)
        done.set()

    worker = threading.Thread(target=call)
    ticks = [time.monotonic()]
    worker.start()
    while not done.is_set():
        ticks.append(time.monotonic())
    worker.join()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 100
    assert max(gaps) < 0.5 * span[0], (max(gaps), span[0])


def test_stubs_and_marker_are_installed_beside_the_module():
    import pathlib
    package = pathlib.Path(mnscreen.__file__).parent
    assert (package / "py.typed").exists()
    stub = (package / "__init__.pyi").read_text()
    for name in ("class Screener", "def screen_many", "class InputError", "knowledge_version"):
        assert name in stub
