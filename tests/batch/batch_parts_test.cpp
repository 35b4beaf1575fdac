// SPDX-License-Identifier: Apache-2.0
// A large input screened in parts (one partition per cluster task, docs/python.md): with
// `first_line` / `first_patient` + `patient_count`, the parts' outputs put end to end are the
// whole run's, byte for byte, and their counts add up to the whole run's. A counted run (the
// Python extension's, for the cluster example's summary) also counts flags per rule id.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "batch/pipeline.hpp"
#include "batch_test_support.hpp"
#include "mnscreen/batch.hpp"
#include "mnscreen/fhir.hpp"

using namespace mnscreen;

namespace {

batch_summary add(batch_summary a, const batch_summary& b) {
  a.records += b.records;
  a.blank += b.blank;
  a.screened += b.screened;
  a.failed += b.failed;
  for (std::size_t i = 0; i < a.decisions.size(); ++i) a.decisions[i] += b.decisions[i];
  return a;
}

}  // namespace

TEST_CASE("batch parts: NDJSON lines screened in parts keep their line numbers", "[batch]") {
  const std::string plan = test::sample_plan();
  const std::vector<std::string> lines = {
      test::record("\"a\"", test::sample_intake("intake-healthy.json"), plan),
      "{\"id\": \"broken\", \"intake\": ",
      "",
      test::record("4", test::sample_intake("intake-isotretinoin.json"), plan),
      test::record("\"e\"", test::sample_intake("intake-pacemaker.json"), plan),
      "[1]",
      test::record("\"g\"", test::sample_intake("intake-cold-sores.json"), plan)};
  std::string whole_text;
  for (const auto& l : lines) whole_text += l + "\n";
  const auto whole = test::run_batch(whole_text);
  REQUIRE(whole.summary.records == lines.size());
  REQUIRE(whole.summary.failed == 2);

  for (const std::size_t part_size : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    std::string out;
    std::string err;
    batch_summary sum;
    for (std::size_t first = 0; first < lines.size(); first += part_size) {
      std::string part;
      for (std::size_t i = first; i < std::min(lines.size(), first + part_size); ++i)
        part += lines[i] + "\n";
      batch_options opt;
      opt.threads = 1;
      opt.first_line = first + 1;
      const auto r = test::run_batch(part, opt);
      out += r.out;
      err += r.err;
      sum = add(sum, r.summary);
    }
    CHECK(out == whole.out);
    CHECK(err == whole.err);
    CHECK(sum == whole.summary);
  }
  batch_options zero;
  zero.first_line = 0;
  CHECK_THROWS_AS(test::run_batch(whole_text, zero), mnscreen::error);
}

TEST_CASE("batch parts: FHIR patients screened in ranges keep their numbers", "[batch][fhir]") {
  const auto bulk =
      fhir_bulk_export::open(std::string(MNSCREEN_SHARED_DIR) + "/fhir/bulk-10-patients");
  REQUIRE_FALSE(has_errors(bulk.diagnostics));
  const auto plan =
      parse_plan(test::slurp(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json"));
  REQUIRE(plan.ok());
  const screener s;
  std::ostringstream whole_out;
  std::ostringstream whole_err;
  const auto whole = batch_screen_fhir(bulk.value, plan.value, whole_out, whole_err, s, {});
  REQUIRE(whole.records == bulk.value.size());

  std::ostringstream out;
  std::ostringstream err;
  batch_summary sum;
  for (std::size_t first = 0; first < bulk.value.size(); first += 4) {
    batch_options opt;
    opt.threads = 2;
    opt.first_patient = first;
    opt.patient_count = 4;
    sum = add(sum, batch_screen_fhir(bulk.value, plan.value, out, err, s, opt));
  }
  CHECK(out.str() == whole_out.str());
  CHECK(err.str() == whole_err.str());
  CHECK(sum == whole);

  // A range past the end is empty; a count past the end is clamped.
  batch_options past;
  past.first_patient = bulk.value.size() + 5;
  std::ostringstream none;
  CHECK(batch_screen_fhir(bulk.value, plan.value, none, none, s, past).records == 0);
  CHECK(none.str().empty());
  batch_options tail;
  tail.first_patient = bulk.value.size() - 1;
  tail.patient_count = 100;
  std::ostringstream last;
  CHECK(batch_screen_fhir(bulk.value, plan.value, last, last, s, tail).records == 1);
}

TEST_CASE("batch parts: a counted run counts the flags per rule id of the reports it writes",
          "[batch]") {
  const std::string plan = test::sample_plan();
  std::string text;
  for (const char* name :
       {"intake-healthy.json", "intake-isotretinoin.json", "intake-pacemaker.json",
        "intake-cold-sores.json", "intake-bleeding-disorder.json", "intake-incomplete.json"})
    for (int copy = 0; copy < 100; ++copy)
      text += test::record("\"" + std::string(name) + "\"", test::sample_intake(name), plan) + "\n";
  text += "{\"id\": \"broken\", \"intake\": \n";

  // Every flag of every report line, counted from the output itself.
  const auto whole = test::run_batch(text);
  std::map<std::string, std::size_t> expected;
  std::istringstream lines(whole.out);
  for (std::string line; std::getline(lines, line);) {
    const boost::json::value record = boost::json::parse(line);
    for (const auto& f : record.at("report").at("flags").as_array())
      ++expected[std::string(f.at("rule_id").as_string())];
  }
  REQUIRE(whole.summary.screened == 600);
  REQUIRE(whole.summary.failed == 1);
  REQUIRE(expected.size() >= 3);  // several rule ids, each in many chunks

  for (const unsigned threads : {1U, 2U}) {
    batch_options opt;
    opt.threads = threads;
    opt.chunk_records = 64;  // several chunks, so counts are added across chunks and slots
    std::istringstream in(text);
    std::ostringstream out;
    std::ostringstream err;
    detail::rule_tally tally;
    const batch_summary sum = detail::batch_screen_counted(in, out, err, screener{}, opt, tally);
    CHECK(sum == whole.summary);
    CHECK(out.str() == whole.out);  // counting changes nothing written
    std::map<std::string, std::size_t> got;
    for (const auto& [id, n] : tally.counts())
      if (n > 0) got[id] += n;
    CHECK(got == expected);
  }
}
