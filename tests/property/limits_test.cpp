// SPDX-License-Identifier: Apache-2.0
// Input limits (issue 4): documents over the size limit, nesting deeper than the depth limit,
// arrays longer than the array limit and strings longer than the string limit are refused with a
// clear diagnostic instead of exhausting memory or the stack -- for every reader (intake, plan,
// policy, report, outcome lines, model files, FHIR), at the default limits and, as properties,
// at random limits on both sides of each. And the strings of a report stay within what the
// report reader accepts.
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "mnscreen/fhir.hpp"
#include "mnscreen/fit.hpp"
#include "property_support.hpp"
#include "test_support.hpp"

namespace {

using namespace mnscreen;
using mnscreen::prop::uniform;

constexpr std::size_t mib = std::size_t{1024} * 1024;

using reader_fn = std::function<std::vector<diagnostic>(std::string_view, const read_limits&)>;

struct document_reader {
  std::string name;
  std::string schema;
  reader_fn read;
};

template <class F>
reader_fn diagnostics_of(F parse) {
  return [parse](std::string_view t, const read_limits& l) { return parse(t, l).diagnostics; };
}

// The readers of the four formats.md documents, which share src/io's limits.
std::vector<document_reader> io_readers() {
  return {
      {"intake", "mnscreen.intake/1",
       diagnostics_of([](std::string_view t, const read_limits& l) { return parse_intake(t, l); })},
      {"plan", "mnscreen.plan/1",
       diagnostics_of([](std::string_view t, const read_limits& l) { return parse_plan(t, l); })},
      {"policy", "mnscreen.policy/1",
       diagnostics_of([](std::string_view t, const read_limits& l) { return parse_policy(t, l); })},
      {"report", "mnscreen.report/1",
       diagnostics_of([](std::string_view t, const read_limits& l) { return parse_report(t, l); })},
  };
}

bool has_code(const std::vector<diagnostic>& ds, std::string_view code) {
  return std::any_of(ds.begin(), ds.end(), [&](const diagnostic& d) { return d.code == code; });
}

std::string dump(const std::vector<diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds)
    out += std::string(to_string(d.severity)) + " " + d.code + " " + format(d) + "\n";
  return out;
}

// `{"schema": S, "x": [[...[1]...]]}`: nesting `depth` containers deep (the object counts).
std::string nested(const std::string& schema, std::size_t depth) {
  const std::size_t arrays = depth - 1;
  return R"({"schema": ")" + schema + R"(", "x": )" + std::string(arrays, '[') + "1" +
         std::string(arrays, ']') + "}";
}

// The schema line padded with spaces to exactly `size` bytes.
std::string padded(const std::string& schema, std::size_t size) {
  std::string text = R"({"schema": ")" + schema + R"("})";
  text.resize(std::max(size, text.size()), ' ');
  return text;
}

// Every string a report holds.
std::vector<std::string_view> strings_of(const report& r) {
  std::vector<std::string_view> out{r.knowledge_version, r.library_version, r.policy_name, r.model};
  for (const auto& [name, value] : r.policy_overrides) {
    out.emplace_back(name);
    if (const auto* s = std::get_if<std::string>(&value)) out.emplace_back(*s);
  }
  for (const auto& q : r.questions) out.emplace_back(q.ask);
  for (const auto& f : r.flags) {
    out.insert(out.end(), {f.rule_id, f.reason, f.action});
    for (const auto& e : f.evidence) out.emplace_back(e.source);
  }
  for (const auto& k : r.risks)
    for (const auto& d : k.drivers) out.emplace_back(d.factor);
  out.insert(out.end(), r.prep.begin(), r.prep.end());
  out.insert(out.end(), r.aftercare.begin(), r.aftercare.end());
  for (const auto& w : r.warnings) out.insert(out.end(), {w.code, w.path, w.message});
  return out;
}

std::size_t longest(const report& r) {
  std::size_t n = 0;
  for (auto s : strings_of(r)) n = std::max(n, s.size());
  return n;
}

}  // namespace

// --- size ----------------------------------------------------------------------------------------

TEST_CASE("limits: documents over 8 MiB are refused before parsing, at the default limit",
          "[property][limits]") {
  for (const auto& r : io_readers()) {
    INFO(r.name);
    const read_limits defaults;
    REQUIRE(defaults.max_bytes == 8 * mib);
    CHECK_FALSE(has_code(r.read(padded(r.schema, 8 * mib), defaults), "document_too_large"));
    const auto over = r.read(padded(r.schema, 8 * mib + 1), defaults);
    INFO(dump(over));
    REQUIRE(over.size() == 1);
    CHECK(over[0].code == "document_too_large");
    CHECK(over[0].severity == severity::fatal);
    CHECK(over[0].path == "$");
  }
}

TEST_CASE("property: the size limit holds for any size and any limit", "[property][limits]") {
  rc::prop("too large iff over the limit", [] {
    const auto readers = io_readers();
    const auto& r = readers[*uniform<std::size_t>(0, readers.size())];
    read_limits limits;
    limits.max_bytes = *uniform<std::size_t>(1, 400);
    const std::size_t size = *uniform<std::size_t>(1, 500);
    // Garbage or a valid document: the size check comes first either way.
    const std::string text = *rc::gen::element(0, 1) == 0 ? *rc::gen::container<std::string>(
                                                                size, rc::gen::arbitrary<char>())
                                                          : padded(r.schema, size);
    const auto ds = r.read(text, limits);
    const bool refused = has_code(ds, "document_too_large");
    RC_ASSERT(refused == (text.size() > limits.max_bytes));
    if (refused) RC_ASSERT(ds.size() == 1U);
  });
}

// --- depth ---------------------------------------------------------------------------------------

TEST_CASE("limits: nesting deeper than 32 levels is refused, at the default limit",
          "[property][limits]") {
  const read_limits defaults;
  REQUIRE(defaults.max_depth == 32);
  for (const auto& r : io_readers()) {
    INFO(r.name);
    CHECK_FALSE(has_code(r.read(nested(r.schema, 32), defaults), "too_deep"));
    const auto deep = r.read(nested(r.schema, 33), defaults);
    INFO(dump(deep));
    REQUIRE(deep.size() == 1);
    CHECK(deep[0].code == "too_deep");
    CHECK(deep[0].severity == severity::fatal);
    // A million brackets: refused without recursion, so without a stack overflow.
    const auto huge = r.read(std::string(1000000, '[') + std::string(1000000, ']'), defaults);
    REQUIRE(huge.size() == 1);
    CHECK(huge[0].code == "too_deep");
  }
}

TEST_CASE("property: the depth limit holds for any depth and any limit", "[property][limits]") {
  rc::prop("too deep iff deeper than the limit", [] {
    const auto readers = io_readers();
    const auto& r = readers[*uniform<std::size_t>(0, readers.size())];
    read_limits limits;
    limits.max_depth = *uniform<std::size_t>(2, 70);
    const std::size_t depth = *uniform<std::size_t>(1, 80);
    const auto ds = r.read(nested(r.schema, depth), limits);
    RC_ASSERT(has_code(ds, "too_deep") == (depth > limits.max_depth));
  });
}

// --- arrays --------------------------------------------------------------------------------------

namespace {

// An intake with `n` items in one list (`field`), each a valid item.
struct array_field {
  std::string field;
  std::string item;
  std::function<std::size_t(const intake&)> size_of;
};

std::vector<array_field> intake_arrays() {
  return {
      {"conditions", R"({"code": "warts", "status": "resolved"})",
       [](const intake& in) { return in.conditions.size(); }},
      {"medications", R"({"code": "aspirin", "stop": "2020-01-01"})",
       [](const intake& in) { return in.medications.size(); }},
      {"allergies", R"({"substance": "latex"})",
       [](const intake& in) { return in.allergies.size(); }},
      {"devices", R"({"code": "insulin_pump"})",
       [](const intake& in) { return in.devices.size(); }},
      {"procedures", R"({"code": "waxing", "date": "2020-01-01", "areas": ["legs"]})",
       [](const intake& in) { return in.procedures.size(); }},
      {"labs", R"({"code": "inr", "value": 1.1, "date": "2020-01-01"})",
       [](const intake& in) { return in.labs.size(); }},
      {"negatives", R"("keloid")", [](const intake& in) { return in.negatives.size(); }},
  };
}

std::string intake_with_array(const array_field& a, std::size_t n) {
  std::string text = R"({"schema": "mnscreen.intake/1", ")" + a.field + R"(": [)";
  for (std::size_t i = 0; i < n; ++i) text += (i ? "," : "") + a.item;
  return text + "]}";
}

}  // namespace

TEST_CASE("limits: arrays over 10000 items are cut with an error, at the default limit",
          "[property][limits]") {
  const read_limits defaults;
  REQUIRE(defaults.max_array_length == 10000);
  for (const auto& a : intake_arrays()) {
    INFO(a.field);
    const auto at = parse_intake(intake_with_array(a, 10000));
    CHECK_FALSE(has_code(at.diagnostics, "array_too_long"));
    CHECK(a.size_of(at.value) == 10000);
    const auto over = parse_intake(intake_with_array(a, 10001));
    INFO(dump(over.diagnostics));
    REQUIRE(has_code(over.diagnostics, "array_too_long"));
    CHECK(a.size_of(over.value) == 10000);
    CHECK_FALSE(over.ok());
  }
}

TEST_CASE("property: the array limit holds for any length and any limit", "[property][limits]") {
  const auto arrays = intake_arrays();
  rc::prop("intake lists: cut to the limit, with an error, iff longer", [&arrays] {
    const auto& a = arrays[*uniform<std::size_t>(0, arrays.size())];
    read_limits limits;
    limits.max_array_length = *uniform<std::size_t>(1, 40);
    const std::size_t n = *uniform<std::size_t>(0, 50);
    const auto r = parse_intake(intake_with_array(a, n), limits);
    RC_LOG() << dump(r.diagnostics);
    RC_ASSERT(has_code(r.diagnostics, "array_too_long") == (n > limits.max_array_length));
    RC_ASSERT(a.size_of(r.value) == std::min(n, limits.max_array_length));
  });
  rc::prop("plan areas and adjuncts: cut to the limit iff longer", [] {
    read_limits limits;
    limits.max_array_length = *uniform<std::size_t>(1, 8);
    const auto all = all_codes<area>();
    const std::size_t n = *uniform<std::size_t>(1, 12);
    std::string areas;
    for (std::size_t i = 0; i < n; ++i)
      areas += (i ? ", \"" : "\"") + std::string(to_string(all[i])) + "\"";
    const auto r = parse_plan(R"({"schema": "mnscreen.plan/1", "date": "2026-12-01",
        "device": "pen", "needle_depth_mm": 0.5, "anesthetic": "none", "setting": "clinic",
        "areas": [)" + areas + "]}",
                              limits);
    RC_LOG() << dump(r.diagnostics);
    RC_ASSERT(has_code(r.diagnostics, "array_too_long") == (n > limits.max_array_length));
    RC_ASSERT(r.value.areas.size() == std::min(n, limits.max_array_length));
  });
}

// --- strings -------------------------------------------------------------------------------------

TEST_CASE("limits: strings over 65536 bytes are dropped with an error, at the default limit",
          "[property][limits]") {
  const read_limits defaults;
  REQUIRE(defaults.max_string_length == 65536);
  auto with_id = [](std::size_t n) {
    return R"({"schema": "mnscreen.intake/1", "patient": {"id": ")" + std::string(n, 'x') +
           R"("}})";
  };
  const auto at = parse_intake(with_id(65536));
  CHECK(at.diagnostics.empty());
  CHECK(at.value.patient.id.size() == 65536);
  const auto over = parse_intake(with_id(65537));
  REQUIRE(over.diagnostics.size() == 1);
  CHECK(over.diagnostics[0].code == "string_too_long");
  CHECK(over.diagnostics[0].path == "$.patient.id");
  CHECK(over.value.patient.id.empty());
  // The message names the size and the limit, not the 64 KiB value itself.
  CHECK(over.diagnostics[0].message.size() < 500);

  SECTION("in a report: a reason over the limit is refused too") {
    const report rep = screener{}.screen(test::healthy_intake(), test::basic_plan());
    report big = rep;
    big.flags.push_back({.rule_id = "smoker_healing", .reason = std::string(65537, 'r')});
    const auto r = parse_report(to_json(big));
    CHECK(has_code(r.diagnostics, "string_too_long"));
  }
}

TEST_CASE("property: the string limit holds for any length and any limit", "[property][limits]") {
  rc::prop("dropped with an error iff longer", [] {
    read_limits limits;
    // The schema word itself (17 bytes) must fit.
    limits.max_string_length = *uniform<std::size_t>(17, 300);
    const std::size_t n = *uniform<std::size_t>(0, 320);
    const std::string value = *rc::gen::container<std::string>(n, uniform<char>('a', 'z'));
    const auto r = parse_intake(
        R"({"schema": "mnscreen.intake/1", "allergies": [{"substance": "latex", "reaction": ")" +
            value + R"("}]})",
        limits);
    RC_LOG() << dump(r.diagnostics);
    RC_ASSERT(has_code(r.diagnostics, "string_too_long") == (n > limits.max_string_length));
    RC_ASSERT(r.value.allergies.size() == 1U);  // the rest of the item survives
    RC_ASSERT(r.value.allergies[0].reaction == (n > limits.max_string_length ? "" : value));
  });
}

// --- outcome lines, model files, FHIR
// -------------------------------------------------------------

TEST_CASE("limits: outcome lines are read under the limits, one line at a time",
          "[property][limits]") {
  const std::string good =
      to_json_line({test::healthy_intake(), test::basic_plan(), {known::yes, known::no}});
  read_limits limits;
  limits.max_bytes = good.size();
  const std::string long_line = good.substr(0, good.size() - 1) + std::string(10, ' ') + "}";

  SECTION("a line over the size limit is skipped; the others are read") {
    const auto file = parse_outcomes(good + "\n" + long_line + "\n" + good + "\n", limits);
    CHECK(file.records.size() == 2);
    REQUIRE(file.skipped.size() == 1);
    CHECK(file.skipped[0].line == 2);
    CHECK(file.skipped[0].reason.find("limit") != std::string::npos);
  }
  SECTION("a line nested too deep is skipped") {
    const auto file = parse_outcomes(std::string(100000, '[') + "\n" + good);
    CHECK(file.records.size() == 1);
    REQUIRE(file.skipped.size() == 1);
    CHECK(file.skipped[0].line == 1);
  }
  SECTION("an intake with too long a list or string is skipped, with the reason") {
    read_limits small;
    small.max_array_length = 3;
    intake many = test::healthy_intake();  // ten negatives
    const auto file = parse_outcomes(to_json_line({many, test::basic_plan(), {known::no}}), small);
    CHECK(file.records.empty());
    REQUIRE(file.skipped.size() == 1);
    CHECK(file.skipped[0].reason.find("negatives") != std::string::npos);

    small = {};
    small.max_string_length = 20;
    many.patient.id = std::string(21, 'i');
    const auto s = parse_outcomes(to_json_line({many, test::basic_plan(), {known::no}}), small);
    CHECK(s.records.empty());
    CHECK(s.skipped.size() == 1);
  }
}

TEST_CASE("limits: model files are read under the size and depth limits", "[property][limits]") {
  read_limits limits;
  limits.max_bytes = 100;
  const auto big = parse_model_file(padded("mnscreen.model/1", 101), limits);
  REQUIRE(big.diagnostics.size() == 1);
  CHECK(big.diagnostics[0].severity == severity::fatal);
  CHECK(big.diagnostics[0].message.find("over the limit") != std::string::npos);

  const auto deep = parse_model_file(std::string(100000, '[') + std::string(100000, ']'));
  REQUIRE(deep.diagnostics.size() == 1);
  CHECK(deep.diagnostics[0].severity == severity::fatal);
}

TEST_CASE("limits: the FHIR reader refuses documents over its size and depth limits",
          "[property][limits]") {
  const fhir_reader reader;
  fhir_options options;
  options.max_bytes = 1000;
  const std::string patient = R"({"resourceType": "Patient", "id": "p1"})";
  const auto ok = reader.read(patient + std::string(1000 - patient.size(), ' '), options);
  CHECK_FALSE(has_code(ok.diagnostics, "fhir.too_large"));
  const auto big = reader.read(patient + std::string(1001 - patient.size(), ' '), options);
  REQUIRE(big.diagnostics.size() == 1);
  CHECK(big.diagnostics[0].code == "fhir.too_large");
  CHECK(big.diagnostics[0].severity == severity::fatal);

  const auto deep = reader.read(std::string(100000, '[') + std::string(100000, ']'));
  REQUIRE(deep.diagnostics.size() == 1);
  CHECK(deep.diagnostics[0].severity == severity::fatal);
}

// --- strings in reports
// ----------------------------------------------------------------------------

TEST_CASE("limits: a report's strings stay short whatever the intake's strings",
          "[property][limits]") {
  // Free text at the reader's limit in every field that takes free text.
  const std::string huge(read_limits{}.max_string_length, 'z');
  intake in = test::healthy_intake();
  in.patient.id = huge;
  in.conditions.push_back(
      {.code = condition_code::keloid, .sites = {area::cheeks}, .source = huge});
  in.medications.push_back({.code = medication_code::warfarin, .source = huge});
  in.allergies.push_back(
      {.substance = allergy_substance::lidocaine, .reaction = huge, .source = huge});
  in.devices.push_back({.code = device_code::pacemaker, .source = huge});
  in.procedures.push_back(
      {.code = procedure_code::waxing, .date = test::d("2026-11-28"), .source = huge});
  in.labs.push_back({lab_code::inr, 4.5, test::d("2026-11-28"), huge});
  in.negatives.emplace_back(condition_code::keloid);  // a contradiction: a warning quoting it
  procedure_plan plan = test::basic_plan();
  plan.device = device_type::rf_microneedling;
  plan.anesthetic = anesthetic::lidocaine;
  const report r = screener{}.screen(in, plan);
  INFO(to_json(r).substr(0, 2000));
  CHECK(longest(r) <= 1000);
  CHECK(to_json(r).size() < 64 * 1024);
  // Whatever the library writes, it can read back.
  CHECK(parse_report(to_json(r)).ok());
}

// The FHIR reader quotes codes, displays, texts and resource ids in its warnings, and
// add_fhir_findings copies them into the report: it cuts each quoted value at 60 bytes (as
// src/io does), so one 100 KB code cannot make a report the library cannot read back.
TEST_CASE("limits: a report built from a FHIR record with huge ids can be read back",
          "[property][limits]") {
  const std::string id(100000, 'c');
  const std::string bundle = R"({"resourceType": "Bundle", "type": "collection", "entry": [
    {"fullUrl": "urn:uuid:p", "resource": {"resourceType": "Patient", "id": "p",
      "gender": "female", "birthDate": "1990-01-01"}},
    {"fullUrl": "urn:uuid:)" +
                             id + R"(", "resource": {"resourceType": "Condition", "id": ")" + id +
                             R"(", "subject": {"reference": "urn:uuid:p"},
      "clinicalStatus": {"coding": [{"system":
        "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
      "code": {"coding": [{"system": "http://snomed.info/sct", "code": ")" +
                             id + R"(", "display": ")" + id + R"("}], "text": ")" + id +
                             R"("}}}]})";
  const auto fhir = read_fhir(bundle, make_fhir_options(policy{}, test::d("2026-12-01")));
  report r = screener{}.screen(fhir.value.record, test::basic_plan());
  add_fhir_findings(r, fhir);
  for (const auto& w : r.warnings)
    if (w.path.size() + w.message.size() > 1000)
      UNSCOPED_INFO(w.code << " at " << w.path.substr(0, 80) << "... (" << w.path.size()
                           << " bytes): " << w.message.substr(0, 200) << "... (" << w.message.size()
                           << " bytes)");
  const auto back = parse_report(to_json(r));
  INFO(dump(back.diagnostics).substr(0, 2000));
  CHECK(back.ok());
  CHECK(longest(r) <= read_limits{}.max_string_length);
}

TEST_CASE("limits: the report writer bounds strings from the C++ API too", "[property][limits]") {
  // Issue 4: the writer cuts strings longer than the report reader's string limit (with a
  // marker), so a policy name that long still makes a report the library can read.
  policy pol;
  pol.name = std::string(read_limits{}.max_string_length + 1, 'n');
  const report r = screener{pol}.screen(test::healthy_intake(), test::basic_plan());
  CHECK(parse_report(to_json(r)).ok());
}
