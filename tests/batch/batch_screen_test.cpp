// SPDX-License-Identifier: Apache-2.0
// mnscreen::batch_screen: good and bad lines, order, threads, cancellation, stream failures.
#include "mnscreen/batch.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "batch_test_support.hpp"
#include "mnscreen/fhir.hpp"

using namespace mnscreen;
using test::lines_of;
using test::objects_of;
using test::record;
using test::run_batch;

namespace {

std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

// The id of every output line, as JSON text.
std::vector<std::string> ids_of(const std::string& out) {
  std::vector<std::string> ids;
  for (const auto& o : objects_of(out)) ids.push_back(boost::json::serialize(o.at("id")));
  return ids;
}

// A file of `n` varied good records (ids "r0", "r1"...), one of five samples each.
std::string varied_input(std::size_t n) {
  const std::vector<std::string> intakes = {
      test::sample_intake("intake-healthy.json"), test::sample_intake("intake-isotretinoin.json"),
      test::sample_intake("intake-bleeding-disorder.json"),
      test::sample_intake("intake-cold-sores.json"), test::sample_intake("intake-incomplete.json")};
  const std::vector<std::string> plans = {test::sample_plan(), test::sample_plan("plan-rf.json")};
  std::string text;
  for (std::size_t i = 0; i < n; ++i) {
    text += record("\"r" + std::to_string(i) + "\"", intakes[i % intakes.size()],
                   plans[(i / 5) % plans.size()]);
    text += '\n';
  }
  return text;
}

}  // namespace

TEST_CASE("batch: a file mixing good and bad lines", "[batch]") {
  const std::string healthy = test::sample_intake("intake-healthy.json");
  const std::string iso = test::sample_intake("intake-isotretinoin.json");
  const std::string bleeding = test::sample_intake("intake-bleeding-disorder.json");
  const std::string plan = test::sample_plan();
  const std::string good = record("\"a\"", healthy, plan);
  std::string unknown_code = iso;
  const auto at = unknown_code.find("\"isotretinoin\"");
  REQUIRE(at != std::string::npos);
  unknown_code.replace(at, 14, "\"isotretinion\"");
  // A 10 MB line (over the default 8 MiB limit), made here rather than stored.
  const std::string big =
      record("\"big\"", "{\"patient\":{\"id\":\"" + std::string(10'000'000, 'x') + "\"}}", plan);
  std::string bad_plan = plan;
  const auto depth = bad_plan.find("\"needle_depth_mm\":1");
  REQUIRE(depth != std::string::npos);
  bad_plan.replace(depth, 19, "\"needle_depth_mm\":-1");

  const std::vector<std::string> lines = {
      good,                                            // 1
      good.substr(0, good.size() / 2),                 // 2 truncated JSON
      "",                                              // 3 empty
      record("\"d\"", unknown_code, plan),             // 4 unknown code
      record("5", iso, plan),                          // 5 numeric id
      big,                                             // 6 10 MB
      "  \t ",                                         // 7 blank
      "[1, 2]",                                        // 8 not an object
      "{\"id\": \"e\", \"intake\": " + healthy + "}",  // 9 no plan
      record("\"c\"", bleeding, plan),                 // 10
      record("\"f\"", healthy, bad_plan),              // 11 depth out of range
      record("\"crlf\"", healthy, plan) + "\r",        // 12 CRLF line end
      record("\"z\"", healthy, plan)};                 // 13 no final newline
  std::string input;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    input += lines[i];
    if (i + 1 < lines.size()) input += '\n';
  }

  for (unsigned threads : {1U, 3U}) {
    batch_options opt;
    opt.threads = threads;
    opt.chunk_records = 2;  // several chunks, so that order is really at stake
    const auto r = run_batch(input, opt);
    INFO("threads " << threads);

    // Every good line is screened, in input order, with its line number.
    const auto out = objects_of(r.out);
    REQUIRE(out.size() == 5);
    const std::vector<std::pair<std::string, std::int64_t>> expected = {
        {"\"a\"", 1}, {"5", 5}, {"\"c\"", 10}, {"\"crlf\"", 12}, {"\"z\"", 13}};
    for (std::size_t i = 0; i < out.size(); ++i) {
      CHECK(boost::json::serialize(out[i].at("id")) == expected[i].first);
      CHECK(out[i].at("line").as_int64() == expected[i].second);
      CHECK(str(out[i].at("report").at("schema")) == "mnscreen.report/1");
    }
    CHECK(str(out[0].at("report").at("decision")) == "proceed");
    CHECK(str(out[1].at("report").at("decision")) == "defer");
    CHECK(str(out[2].at("report").at("decision")) == "do_not_treat");

    // Every bad line is reported with its line number, its id when readable, and reasons.
    const auto err = objects_of(r.err);
    REQUIRE(err.size() == 6);
    CHECK(err[0].at("line").as_int64() == 2);
    CHECK(str(err[0].at("diagnostics").at(0).at("code")) == "malformed_json");
    CHECK_THAT(str(err[0].at("reason")), Catch::Contains("truncated"));
    CHECK(str(err[0].at("id")) == "a");  // the id came before the cut

    CHECK(err[1].at("line").as_int64() == 4);
    CHECK(str(err[1].at("id")) == "d");
    CHECK(str(err[1].at("diagnostics").at(0).at("code")) == "unknown_code");
    CHECK(str(err[1].at("diagnostics").at(0).at("path")) == "$.intake.medications[0].code");
    CHECK_THAT(str(err[1].at("reason")), Catch::Contains("isotretinion"));

    CHECK(err[2].at("line").as_int64() == 6);
    CHECK(str(err[2].at("id")) == "big");
    CHECK(str(err[2].at("diagnostics").at(0).at("code")) == "line_too_large");
    CHECK_THAT(str(err[2].at("reason")), Catch::Contains("over the limit of 8388608 bytes"));

    CHECK(err[3].at("line").as_int64() == 8);
    CHECK_FALSE(err[3].contains("id"));
    CHECK(str(err[3].at("diagnostics").at(0).at("code")) == "wrong_type");

    CHECK(err[4].at("line").as_int64() == 9);
    CHECK(str(err[4].at("id")) == "e");
    CHECK(str(err[4].at("diagnostics").at(0).at("path")) == "$.plan");

    CHECK(err[5].at("line").as_int64() == 11);
    CHECK(str(err[5].at("diagnostics").at(0).at("path")) == "$.plan.needle_depth_mm");

    const batch_summary& s = r.summary;
    CHECK(s.records == 13);
    CHECK(s.blank == 2);
    CHECK(s.screened == 5);
    CHECK(s.failed == 6);
    CHECK(s.count(decision::proceed) == 3);
    CHECK(s.count(decision::defer) == 1);
    CHECK(s.count(decision::do_not_treat) == 1);
    CHECK(s.count(decision::cannot_screen) == 0);
    CHECK(s.finished());
  }
}

TEST_CASE("batch: output order is input order and threads 1 vs N are byte-identical",
          "[batch][concurrency]") {
  std::string input = varied_input(600);
  input += "{\"id\": \"bad\"}\n";  // an error line near the end
  input += varied_input(3);        // ids r0..r2 again: order, not ids, is what is checked

  batch_options one;
  one.threads = 1;
  const auto reference = run_batch(input, one);
  const auto ids = ids_of(reference.out);
  REQUIRE(ids.size() == 603);
  for (std::size_t i = 0; i < 600; ++i) CHECK(ids[i] == "\"r" + std::to_string(i) + "\"");
  CHECK(lines_of(reference.err).size() == 1);

  for (unsigned threads : {2U, 3U, 8U}) {
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{256}}) {
      batch_options opt;
      opt.threads = threads;
      opt.chunk_records = chunk;
      const auto r = run_batch(input, opt);
      INFO("threads " << threads << ", chunk " << chunk);
      CHECK(r.out == reference.out);
      CHECK(r.err == reference.err);
      CHECK(r.summary == reference.summary);
    }
  }
}

// Workers screen each chunk into the reports of their previous chunk (screen_many over a
// span): a report must not keep anything of the patient it held before (more flags, a
// deferral date, questions, the warnings moved out for an error line).
TEST_CASE("batch: reports reused from chunk to chunk are the same as fresh screens",
          "[batch][concurrency]") {
  const std::vector<std::string> intakes = {test::sample_intake("intake-isotretinoin.json"),
                                            test::sample_intake("intake-healthy.json"),
                                            test::sample_intake("intake-bleeding-disorder.json"),
                                            test::sample_intake("intake-incomplete.json"),
                                            test::sample_intake("intake-pacemaker.json"),
                                            test::sample_intake("intake-cold-sores.json")};
  const std::vector<std::string> plans = {test::sample_plan(), test::sample_plan("plan-rf.json")};
  std::string late = test::sample_intake("intake-healthy.json");
  const auto at = late.find("\"birth_date\":\"");
  REQUIRE(at != std::string::npos);
  late.replace(at + 14, 10, "2030-01-01");  // after the plan date: an error of the screener

  const screener s;
  std::string input;
  std::string expected;
  std::size_t late_lines = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    const std::string id = "\"r" + std::to_string(i) + "\"";
    const std::string& plan_text = plans[(i / 3) % plans.size()];
    if (i % 7 == 5) {
      input += record(id, late, plan_text) + "\n";
      ++late_lines;
      continue;
    }
    const std::string& intake_text = intakes[(i * 5) % intakes.size()];
    input += record(id, intake_text, plan_text) + "\n";
    const auto in = parse_intake(intake_text);
    const auto plan = parse_plan(plan_text);
    REQUIRE(in.diagnostics.empty());
    REQUIRE(plan.diagnostics.empty());
    expected += "{\"id\":" + id + ",\"line\":" + std::to_string(i + 1) +
                ",\"report\":" + to_json(s.screen(in.value, plan.value)) + "}\n";
  }

  for (unsigned threads : {1U, 2U}) {
    for (std::size_t chunk : {std::size_t{1}, std::size_t{4}, std::size_t{256}}) {
      batch_options opt;
      opt.threads = threads;
      opt.chunk_records = chunk;
      const auto r = run_batch(input, opt, s);
      INFO("threads " << threads << ", chunk " << chunk);
      CHECK(r.out == expected);
      CHECK(r.summary.failed == late_lines);
      CHECK(lines_of(r.err).size() == late_lines);
    }
  }
}

TEST_CASE("batch: records bigger than the chunk byte budget still go one by one", "[batch]") {
  batch_options opt;
  opt.threads = 2;
  opt.chunk_bytes = 10;  // every record closes its chunk
  const auto r = run_batch(varied_input(20), opt);
  CHECK(r.summary.screened == 20);
  CHECK(ids_of(r.out).front() == "\"r0\"");
  CHECK(ids_of(r.out).back() == "\"r19\"");
}

TEST_CASE("batch: the line limit is exact and the rest of the file is still read", "[batch]") {
  batch_options opt;
  opt.limits.max_bytes = 64;
  opt.threads = 1;
  const std::string at_limit = "{\"id\":1,\"x\":\"" + std::string(64 - 15, 'a') + "\"}";
  REQUIRE(at_limit.size() == 64);
  const std::string over = "{\"id\":2,\"x\":\"" + std::string(64 - 14, 'a') + "\"}";
  REQUIRE(over.size() == 65);
  const auto r = run_batch(at_limit + "\n" + over + "\n" + at_limit + "\n", opt);
  const auto err = objects_of(r.err);
  REQUIRE(err.size() == 3);
  // At the limit: read (and refused for what it lacks), over it: too large.
  CHECK(str(err[0].at("diagnostics").at(0).at("code")) != "line_too_large");
  CHECK(str(err[1].at("diagnostics").at(0).at("code")) == "line_too_large");
  CHECK(err[1].at("id").as_int64() == 2);
  CHECK(err[2].at("line").as_int64() == 3);
  CHECK(str(err[2].at("diagnostics").at(0).at("code")) != "line_too_large");
}

TEST_CASE("batch: embedded documents may leave out their schema, a wrong one is an error",
          "[batch]") {
  const std::string plan = test::sample_plan();
  std::string no_schema = test::sample_intake("intake-healthy.json");
  const std::string schema_member = "\"schema\":\"mnscreen.intake/1\",";
  REQUIRE(no_schema.find(schema_member) != std::string::npos);
  no_schema.erase(no_schema.find(schema_member), schema_member.size());
  std::string wrong = test::sample_intake("intake-healthy.json");
  wrong.replace(wrong.find("mnscreen.intake/1"), 17, "mnscreen.plan/1");
  const auto r = run_batch(record("1", no_schema, plan) + "\n" + record("2", wrong, plan) + "\n");
  CHECK(r.summary.screened == 1);
  const auto err = objects_of(r.err);
  REQUIRE(err.size() == 1);
  CHECK(str(err[0].at("diagnostics").at(0).at("code")) == "wrong_schema");
  CHECK(str(err[0].at("diagnostics").at(0).at("path")) == "$.intake.schema");
}

TEST_CASE("batch: warnings of a screened line go into its report with line paths", "[batch]") {
  std::string in = test::sample_intake("intake-healthy.json");
  in.insert(in.find("\"patient\":{") + 11, "\"favourite_colour\":\"blue\",");
  const std::string line = "{\"id\":\"w\",\"note\":[1,{\"a\":null}],\"intake\":" + in +
                           ",\"plan\":" + test::sample_plan() + "}";
  const auto r = run_batch(line + "\n");
  REQUIRE(r.summary.screened == 1);
  CHECK(r.err.empty());
  const auto out = objects_of(r.out);
  std::vector<std::string> paths;
  for (const auto& w : out.at(0).at("report").at("warnings").as_array())
    paths.push_back(str(w.at("path")));
  CHECK_THAT(paths, Catch::VectorContains(std::string("$.note")));
  CHECK_THAT(paths, Catch::VectorContains(std::string("$.intake.patient.favourite_colour")));
}

TEST_CASE("batch: a problem only the screener finds is an error line", "[batch]") {
  std::string in = test::sample_intake("intake-healthy.json");
  const auto at = in.find("\"birth_date\":\"");
  REQUIRE(at != std::string::npos);
  in.replace(at + 14, 10, "2030-01-01");  // after the plan date
  const auto r = run_batch(record("\"late\"", in, test::sample_plan()) + "\n");
  CHECK(r.summary.failed == 1);
  CHECK(r.summary.count(decision::cannot_screen) == 0);
  const auto err = objects_of(r.err);
  REQUIRE(err.size() == 1);
  CHECK(str(err[0].at("id")) == "late");
  CHECK(str(err[0].at("diagnostics").at(0).at("path")) == "$.intake.patient.birth_date");
}

TEST_CASE("batch: a cancel flag stops the run between chunks", "[batch][concurrency]") {
  const std::string input = varied_input(200);
  for (unsigned threads : {1U, 2U}) {
    INFO("threads " << threads);
    std::atomic<bool> cancel{true};
    batch_options opt;
    opt.threads = threads;
    opt.cancel = &cancel;
    const auto before = run_batch(input, opt);
    CHECK(before.summary.cancelled);
    CHECK_FALSE(before.summary.finished());
    CHECK(before.out.empty());

    // Set from the progress callback after the first chunk: what was written is whole lines.
    cancel = false;
    opt.chunk_records = 10;
    opt.progress = [&](const batch_summary&) { cancel = true; };
    const auto during = run_batch(input, opt);
    CHECK(during.summary.cancelled);
    CHECK(during.summary.records == 10);
    CHECK(lines_of(during.out).size() == 10);
    CHECK(during.out.back() == '\n');
  }
}

TEST_CASE("batch: progress is reported after each chunk with the counts so far", "[batch]") {
  batch_options opt;
  opt.threads = 2;
  opt.chunk_records = 16;
  std::vector<std::size_t> seen;
  opt.progress = [&](const batch_summary& s) { seen.push_back(s.records); };
  const auto r = run_batch(varied_input(100), opt);
  REQUIRE(seen.size() == 7);
  CHECK(seen.front() == 16);
  CHECK(seen.back() == 100);
  CHECK(r.summary.records == 100);
}

namespace {

// Gives some bytes, then fails like a disk read error.
class failing_buf : public std::streambuf {
 public:
  explicit failing_buf(std::string text) : text_(std::move(text)) {
    setg(text_.data(), text_.data(), text_.data() + text_.size());
  }

 protected:
  int_type underflow() override { throw std::runtime_error("read error"); }

 private:
  std::string text_;
};

}  // namespace

TEST_CASE("batch: an input read error is reported, not taken for the end", "[batch]") {
  for (unsigned threads : {1U, 2U}) {
    failing_buf buf(varied_input(3));
    std::istream in(&buf);
    std::ostringstream out;
    std::ostringstream err;
    batch_options opt;
    opt.threads = threads;
    const auto s = batch_screen(in, out, err, screener{}, opt);
    CHECK(s.input_error);
    CHECK_FALSE(s.finished());
  }
}

TEST_CASE("batch: an output failure stops the run", "[batch]") {
  for (unsigned threads : {1U, 2U}) {
    std::istringstream in(varied_input(50));
    std::ostringstream out;
    out.setstate(std::ios::badbit);
    std::ostringstream err;
    batch_options opt;
    opt.threads = threads;
    opt.chunk_records = 5;
    const auto s = batch_screen(in, out, err, screener{}, opt);
    CHECK(s.output_error);
    CHECK(s.records <= 5);
  }
}

TEST_CASE("batch: a clinic policy applies to every record", "[batch]") {
  policy p;
  p.name = "permissive-isotretinoin";
  p.isotretinoin_washout_days = 30;
  const screener s{p};
  const auto r = run_batch(
      record("1", test::sample_intake("intake-isotretinoin.json"), test::sample_plan()) + "\n", {},
      s);
  const auto out = objects_of(r.out);
  REQUIRE(out.size() == 1);
  CHECK(str(out[0].at("report").at("policy").at("name")) == "permissive-isotretinoin");
  CHECK(r.summary.count(decision::defer) == 0);
}

TEST_CASE("batch: chunk_records 0 is a broken contract", "[batch]") {
  batch_options opt;
  opt.chunk_records = 0;
  CHECK_THROWS_AS(run_batch("", opt), mnscreen::error);
}

TEST_CASE("batch: an empty input screens nothing and finishes", "[batch]") {
  const auto r = run_batch("");
  CHECK(r.summary == batch_summary{});
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

TEST_CASE("batch: the patients of a FHIR Bulk Data export, screened for one plan",
          "[batch][fhir]") {
  const auto bulk =
      fhir_bulk_export::open(std::string(MNSCREEN_SHARED_DIR) + "/fhir/bulk-10-patients");
  REQUIRE_FALSE(has_errors(bulk.diagnostics));
  REQUIRE(bulk.value.size() == 13);
  const auto plan =
      parse_plan(test::slurp(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json"));
  REQUIRE(plan.ok());
  const screener s;
  std::string reference;
  for (unsigned threads : {1U, 3U}) {
    std::ostringstream out;
    std::ostringstream err;
    batch_options opt;
    opt.threads = threads;
    opt.chunk_records = 2;
    const auto sum = batch_screen_fhir(bulk.value, plan.value, out, err, s, opt);
    CHECK(sum.records == 13);
    CHECK(sum.screened + sum.failed == 13);
    const auto lines = objects_of(out.str());
    REQUIRE(lines.size() == sum.screened);
    for (const auto& o : lines) {
      const auto n = static_cast<std::size_t>(o.at("patient").as_int64());
      CHECK(str(o.at("id")) == bulk.value.patient_id(n - 1));
      CHECK(str(o.at("report").at("screened_on")) == "2026-12-01");
    }
    if (threads == 1) reference = out.str();
    CHECK(out.str() == reference);
  }
}

TEST_CASE("batch: FHIR patients screened into reused reports match one fresh chunk",
          "[batch][fhir]") {
  const auto bulk =
      fhir_bulk_export::open(std::string(MNSCREEN_SHARED_DIR) + "/fhir/bulk-10-patients");
  REQUIRE_FALSE(has_errors(bulk.diagnostics));
  const auto plan =
      parse_plan(test::slurp(std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json"));
  REQUIRE(plan.ok());
  const screener s;
  const auto run = [&](unsigned threads, std::size_t chunk) {
    std::ostringstream out;
    std::ostringstream err;
    batch_options opt;
    opt.threads = threads;
    opt.chunk_records = chunk;
    (void)batch_screen_fhir(bulk.value, plan.value, out, err, s, opt);
    return out.str() + err.str();
  };
  // All 13 patients in one chunk: every report is fresh. Chunks of 1 to 3: reports are
  // screened into again, patient after patient.
  const std::string fresh = run(1, 256);
  REQUIRE_FALSE(fresh.empty());
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    INFO("chunk " << chunk);
    CHECK(run(1, chunk) == fresh);
    CHECK(run(2, chunk) == fresh);
  }
}
