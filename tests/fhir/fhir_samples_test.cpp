// SPDX-License-Identifier: Apache-2.0
// Real records nobody on the project wrote: the 27 Synthea bundles of ../shared/fhir/bundles,
// each read without an error and with per-bundle counts, and hand-verified patients screened
// end to end.
#include "mnscreen/fhir.hpp"

#include <catch2/catch.hpp>

#include "fhir_test_support.hpp"
#include "mnscreen/mnscreen.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

struct bundle_counts {
  const char* file;
  std::size_t conditions;
  std::size_t medications;
  std::size_t allergies;
  std::size_t labs;
  std::size_t procedures;
};

// Derived independently by tests/fhir/survey_sample_counts.py (python, reading the JSON and the
// terminology tables, not the C++ reader), for a read without a screening date:
//   python3 tests/fhir/survey_sample_counts.py ../shared/fhir
// Columns: conditions, medications (distinct words whose latest request is active), allergies,
// labs (plausible, dated, convertible), procedures.
constexpr bundle_counts k_bundles[] = {
    {"synthea-r4-028250cc.json", 1, 1, 0, 2, 1}, {"synthea-r4-074c3873.json", 1, 0, 0, 2, 0},
    {"synthea-r4-16b9a4bc.json", 4, 0, 0, 1, 1}, {"synthea-r4-34d4fd7e.json", 0, 0, 0, 2, 0},
    {"synthea-r4-4384bf23.json", 1, 2, 0, 2, 0}, {"synthea-r4-4dd15313.json", 4, 0, 0, 5, 0},
    {"synthea-r4-55bbe118.json", 0, 0, 0, 2, 0}, {"synthea-r4-57df2519.json", 2, 1, 0, 2, 0},
    {"synthea-r4-5a72e290.json", 1, 0, 0, 1, 0}, {"synthea-r4-68165820.json", 0, 0, 0, 1, 0},
    {"synthea-r4-70e00093.json", 3, 0, 0, 8, 0}, {"synthea-r4-71a7f9d4.json", 1, 2, 0, 2, 0},
    {"synthea-r4-753ad9f3.json", 0, 0, 0, 2, 1}, {"synthea-r4-79dabd54.json", 0, 0, 1, 2, 0},
    {"synthea-r4-7bf5504f.json", 0, 0, 0, 1, 0}, {"synthea-r4-7ed502b9.json", 12, 0, 0, 2, 0},
    {"synthea-r4-80833fb2.json", 1, 2, 0, 6, 0}, {"synthea-r4-a9fcc685.json", 0, 0, 0, 1, 1},
    {"synthea-r4-c47db034.json", 0, 0, 0, 2, 0}, {"synthea-r4-d060a28c.json", 0, 1, 0, 2, 0},
    {"synthea-r4-d9f8849f.json", 1, 1, 0, 2, 0}, {"synthea-r4-e3891927.json", 1, 0, 0, 2, 0},
    {"synthea-r4-ebbb96ce.json", 0, 0, 0, 2, 0}, {"synthea-r4-f1a650a5.json", 0, 0, 0, 1, 0},
    {"synthea-r4-f1dc4192.json", 0, 0, 0, 2, 0}, {"synthea-r4-f82884e3.json", 0, 0, 0, 2, 0},
    {"synthea-r4-f8a42e66.json", 0, 0, 0, 4, 0},
};

const fhir_reader& reader() {
  static const fhir_reader r;  // immutable: tables only
  return r;
}

parse_result<fhir_intake> read_sample(std::string_view name, const fhir_options& o) {
  return reader().read(read_text(shared_fhir("bundles/" + std::string(name))), o);
}

bool has_flag(const report& r, std::string_view id, effect e) {
  const flag* f = find_flag(r, id);
  return f != nullptr && f->effect == e;
}

}  // namespace

TEST_CASE("fhir samples: every bundle is read without an error, with the surveyed counts",
          "[fhir][samples]") {
  for (const auto& b : k_bundles) {
    INFO(b.file);
    const auto r = read_sample(b.file, {});
    for (const auto& d : r.diagnostics)
      if (d.severity != severity::warning) FAIL_CHECK(format(d, b.file));
    CHECK(r.ok());
    CHECK(r.value.record.conditions.size() == b.conditions);
    CHECK(r.value.record.medications.size() == b.medications);
    CHECK(r.value.record.allergies.size() == b.allergies);
    CHECK(r.value.record.labs.size() == b.labs);
    CHECK(r.value.record.procedures.size() == b.procedures);
    // Nothing silently dropped: every Condition, MedicationRequest, AllergyIntolerance and
    // Observation either maps or is named in a warning (or is explicitly noted).
    CHECK(r.value.record.patient.birth_date.has_value());
    // The intake the reader gives always passes the screener's own validation.
    CHECK(validate(r.value.record).empty());
  }
}

TEST_CASE("fhir samples: the warfarin patient with an INR, screened end to end",
          "[fhir][samples]") {
  // synthea-r4-80833fb2: warfarin (RxNorm product 855332) active, authored 2015-09-16. The
  // sample has no INR, so one is added to the Bundle as a clinic's lab would send it.
  std::string text = read_text(shared_fhir("bundles/synthea-r4-80833fb2.json"));
  const std::string inr =
      R"(,{"fullUrl":"urn:uuid:inr-1","resource":{"resourceType":"Observation","id":"inr-1",)"
      R"("status":"final","code":{"coding":[{"system":"http://loinc.org","code":"6301-6",)"
      R"("display":"INR in Platelet poor plasma by Coagulation assay"}]},"subject":{)"
      R"("reference":"urn:uuid:11a7f0e3-b1d0-431c-adb6-ad1ad8d61720"},)"
      R"("effectiveDateTime":"2015-09-28T09:00:00Z","valueQuantity":{"value":3.4,)"
      R"("unit":"{INR}","system":"http://unitsofmeasure.org","code":"{INR}"}}})";
  text.insert(text.rfind(']'), inr);
  procedure_plan plan = basic_plan();
  plan.date = d("2015-10-01");
  const screener s;
  const auto r = reader().read(text, make_fhir_options(s.active_policy(), plan.date));
  REQUIRE(r.ok());
  const intake& in = r.value.record;
  const auto warfarin =
      std::find_if(in.medications.begin(), in.medications.end(),
                   [](const medication& m) { return m.code == medication_code::warfarin; });
  REQUIRE(warfarin != in.medications.end());
  CHECK(warfarin->start == d("2015-09-16"));
  CHECK(warfarin->route == route::oral);
  REQUIRE(in.labs.size() >= 1);
  CHECK(std::any_of(in.labs.begin(), in.labs.end(), [](const lab_result& l) {
    return l.code == lab_code::inr && l.value == Approx(3.4) && l.source == "Observation/inr-1";
  }));
  // Naproxen was last prescribed in 2006: asked, not taken as current.
  CHECK(std::any_of(r.value.questions.begin(), r.value.questions.end(),
                    [](const fhir_question& q) { return q.word == "naproxen"; }));
  report rep = s.screen(in, plan);
  CHECK(has_flag(rep, "anticoagulant_therapy", effect::proceed_with_caution));
  CHECK(has_flag(rep, "inr_above_limit", effect::defer));
  CHECK(rep.decision == decision::defer);
  add_fhir_findings(rep, r);
  CHECK(has_diagnostic(rep.warnings, "fhir.question", "Naproxen"));
}

TEST_CASE("fhir samples: the patient who died in 1959 with a pregnancy still 'active'",
          "[fhir][samples]") {
  procedure_plan plan = basic_plan();
  plan.date = d("2026-12-01");
  const screener s;
  const auto r =
      read_sample("synthea-r4-7ed502b9.json", make_fhir_options(s.active_policy(), plan.date));
  REQUIRE(r.ok());
  const intake& in = r.value.record;
  CHECK(in.patient.deceased == known::yes);
  CHECK(has_diagnostic(r.diagnostics, "fhir.deceased", "1959-12-14"));
  // The pregnancy "active" since 1959-11-02 is a question, not a fact.
  CHECK(in.patient.pregnant == known::unknown);
  CHECK(std::none_of(in.conditions.begin(), in.conditions.end(), [](const condition& c) {
    return c.code == condition_code::pregnancy && c.status == condition_status::active;
  }));
  REQUIRE(
      std::any_of(r.value.questions.begin(), r.value.questions.end(), [](const fhir_question& q) {
        return q.factor == question::pregnancy && q.ask.find("1959-11-02") != std::string::npos;
      }));
  // Past pregnancies stay as history.
  CHECK(std::count_if(in.conditions.begin(), in.conditions.end(), [](const condition& c) {
          return c.code == condition_code::pregnancy && c.status == condition_status::history;
        }) == 11);
  report rep = s.screen(in, plan);
  CHECK(has_diagnostic(rep.warnings, "deceased_patient"));
  add_fhir_findings(rep, r);
  CHECK(has_diagnostic(rep.warnings, "fhir.deceased"));
  CHECK(has_diagnostic(rep.warnings, "fhir.question", "1959-11-02"));
}

TEST_CASE("fhir samples: HbA1c 2.39 % is unknown with a warning, not an input error",
          "[fhir][samples]") {
  procedure_plan plan = basic_plan();
  plan.date = d("1981-01-10");
  const screener s;
  const auto r =
      read_sample("synthea-r4-70e00093.json", make_fhir_options(s.active_policy(), plan.date));
  REQUIRE(r.ok());
  CHECK(has_diagnostic(r.diagnostics, "fhir.implausible_value", "2.39"));
  const intake& in = r.value.record;
  CHECK(std::none_of(in.labs.begin(), in.labs.end(), [](const lab_result& l) {
    return l.code == lab_code::hba1c && l.date == d("1981-01-03");
  }));
  CHECK(std::any_of(in.conditions.begin(), in.conditions.end(), [](const condition& c) {
    return c.code == condition_code::diabetes_mellitus && c.status == condition_status::active;
  }));
  // Prediabetes is deliberately not diabetes.
  CHECK(has_diagnostic(r.diagnostics, "fhir.not_mapped", "Prediabetes"));
  report rep = s.screen(in, plan);
  CHECK(rep.decision != decision::cannot_screen);
  CHECK(asks(rep, question::hba1c));
}

TEST_CASE("fhir samples: the active pregnancy, recent and stale", "[fhir][samples]") {
  const screener s;
  SECTION("five months after onset: pregnant, deferred") {
    procedure_plan plan = basic_plan();
    plan.date = d("2021-03-01");
    const auto r =
        read_sample("synthea-r4-16b9a4bc.json", make_fhir_options(s.active_policy(), plan.date));
    REQUIRE(r.ok());
    CHECK(r.value.record.patient.pregnant == known::yes);
    const report rep = s.screen(r.value.record, plan);
    CHECK(has_flag(rep, "pregnancy", effect::defer));
  }
  SECTION("six years after onset: a question") {
    procedure_plan plan = basic_plan();
    plan.date = d("2026-12-01");
    const auto r =
        read_sample("synthea-r4-16b9a4bc.json", make_fhir_options(s.active_policy(), plan.date));
    REQUIRE(r.ok());
    CHECK(r.value.record.patient.pregnant == known::unknown);
    report rep = s.screen(r.value.record, plan);
    CHECK(find_flag(rep, "pregnancy") == nullptr);
    REQUIRE(asks(rep, question::pregnancy));
    add_fhir_findings(rep, r);
    const auto q =
        std::find_if(rep.questions.begin(), rep.questions.end(),
                     [](const question_item& i) { return i.factor == question::pregnancy; });
    CHECK(q->ask.find("2020-10-18") != std::string::npos);
  }
}

TEST_CASE("fhir samples: type 2 diabetes with HbA1c 7.4 %", "[fhir][samples]") {
  const screener s;
  procedure_plan plan = basic_plan();
  plan.date = d("2020-08-01");
  const auto r =
      read_sample("synthea-r4-4dd15313.json", make_fhir_options(s.active_policy(), plan.date));
  REQUIRE(r.ok());
  const report rep = s.screen(r.value.record, plan);
  CHECK(has_flag(rep, "diabetes_control", effect::proceed_with_caution));
  CHECK_FALSE(asks(rep, question::hba1c));
}

TEST_CASE("fhir samples: a latex allergy as the only factor", "[fhir][samples]") {
  const auto r = read_sample("synthea-r4-79dabd54.json", as_of("2026-12-01"));
  REQUIRE(r.ok());
  REQUIRE(r.value.record.allergies.size() == 1);
  CHECK(r.value.record.allergies[0].substance == allergy_substance::latex);
  CHECK(r.value.record.allergies[0].source.rfind("AllergyIntolerance/", 0) == 0);
  // The food and pollen allergies are named in warnings, not dropped.
  CHECK(has_diagnostic(r.diagnostics, "fhir.unmapped_code", "Allergy to nut"));
}
