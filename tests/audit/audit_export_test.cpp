// SPDX-License-Identifier: Apache-2.0
// Reading the audit database back (src/audit/export.hpp): JSON lines, CSV, --since and the
// override rate per rule, on a database written by the log.
#include "audit/export.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>

#include "audit_test_support.hpp"

namespace audit = mnscreen::audit;
namespace json = boost::json;
using namespace mnscreen::test::audit;

namespace {

// Three hook calls on two days and feedback on their cards, with fixed times.
void fill(const std::string& path) {
  audit::options o;
  o.db_path = path;
  audit::log log(o);
  log.record(hook("h1", {"MED-ISO", "SKIN-ACTIVE-INFECTION"}, "2026-12-01T08:00:00.000Z"));
  log.record(hook("h2", {"MED-ISO"}, "2026-12-02T08:00:00.000Z"));
  log.record(hook("h3", {"BLOOD-ANTICOAG"}, "2026-12-02T09:00:00.000Z"));
  log.record(feedback("card-h1", "overridden", "patient-aware", "2026-12-01T08:05:00Z",
                      "2026-12-01T08:05:01.000Z"));
  log.record(
      feedback("card-h2", "accepted", "", "2026-12-02T08:01:00Z", "2026-12-02T08:01:01.000Z"));
  log.record(feedback("card-h3", "overridden", "not-relevant", "2026-12-02T09:01:00Z",
                      "2026-12-02T09:01:01.000Z"));
  log.record(
      feedback("questions-h3", "accepted", "", "2026-12-02T09:02:00Z", "2026-12-02T09:02:01.000Z"));
  log.record(feedback("card-unknown", "overridden", "other", "2026-12-02T10:00:00Z",
                      "2026-12-02T10:00:01.000Z"));
  auto odd = feedback("card-h3", "overridden", "=HYPERLINK(\"x\")", "2026-12-02T09:03:00Z",
                      "2026-12-02T09:03:01.000Z");
  odd.comment = "said \"no\", twice\nthen left";
  log.record(odd);
}

std::string run_export(const std::string& path, audit::export_format f, const std::string& since,
                       bool summary) {
  audit::database db(path, audit::database::mode::read);
  audit::export_options o;
  o.format = f;
  o.since = since;
  std::ostringstream out;
  if (summary)
    audit::export_summary(db, o, out);
  else
    audit::export_records(db, o, out);
  return out.str();
}

std::vector<json::object> objects(const std::string& text) {
  std::vector<json::object> out;
  for (const auto& line : lines_of(text)) out.push_back(json::parse(line).as_object());
  return out;
}

std::vector<std::string> strs(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& x : v.as_array()) out.emplace_back(x.as_string());
  return out;
}

}  // namespace

TEST_CASE("audit export: JSON lines, oldest first, every recorded field", "[audit][export]") {
  const temp_dir dir;
  fill(dir / "audit.db");
  const auto objs = objects(run_export(dir / "audit.db", audit::export_format::json, "", false));
  REQUIRE(objs.size() == 9);
  std::vector<std::string> kinds;
  for (const auto& o : objs) kinds.emplace_back(o.at("kind").as_string());
  CHECK(kinds == std::vector<std::string>{"hook", "feedback", "hook", "feedback", "hook",
                                          "feedback", "feedback", "feedback", "feedback"});
  const auto& h = objs[0];
  CHECK(h.at("time") == "2026-12-01T08:00:00.000Z");
  CHECK(h.at("service") == "mnscreen-order-sign");
  CHECK(h.at("hook_instance") == "h1");
  CHECK(h.at("issuer") == "https://ehr.example/issuer");
  CHECK(h.at("patient_ref") == "Patient/123");
  CHECK(h.at("decision") == "defer");
  CHECK(strs(h.at("rule_ids")) == std::vector<std::string>{"MED-ISO", "SKIN-ACTIVE-INFECTION"});
  REQUIRE(h.at("cards").as_array().size() == 2);
  CHECK(h.at("cards").as_array()[0].as_object().at("uuid") == "card-h1");
  CHECK(h.at("cards").as_array()[0].as_object().at("indicator") == "critical");
  CHECK(h.at("knowledge_version") == "2026.2");
  CHECK(h.at("library_version") == "0.1.0");
  CHECK(h.at("model_version") == "priors");
  CHECK(h.at("policy_name") == "clinic");
  CHECK(h.at("latency_ms").to_number<double>() == Approx(1.25));
  CHECK(h.at("outcome") == "cards");
  CHECK_FALSE(h.at("record_id").as_string().empty());
  const auto& f = objs[1];
  CHECK(f.at("card_uuid") == "card-h1");
  CHECK(f.at("outcome") == "overridden");
  CHECK(f.at("override_reason") == "patient-aware");
  CHECK(f.at("comment") == "patient informed");
  CHECK(f.at("outcome_timestamp") == "2026-12-01T08:05:00Z");
  // Joined from the hook call that returned the card.
  CHECK(f.at("hook_instance") == "h1");
  CHECK(f.at("decision") == "defer");
  CHECK(strs(f.at("rule_ids")) == std::vector<std::string>{"MED-ISO", "SKIN-ACTIVE-INFECTION"});
  // Feedback on a card no hook call returned: no rules, no decision.
  const auto& unknown = objs[8];
  CHECK(unknown.at("card_uuid") == "card-unknown");
  CHECK(unknown.at("rule_ids").as_array().empty());
  CHECK(unknown.at("decision") == "");
  CHECK(objs[7].at("comment") == "said \"no\", twice\nthen left");
}

TEST_CASE("audit export: --since keeps records at or after the date or time", "[audit][export]") {
  const temp_dir dir;
  fill(dir / "audit.db");
  CHECK(objects(run_export(dir / "audit.db", audit::export_format::json, "2026-12-02", false))
            .size() == 7);
  const auto later = objects(run_export(dir / "audit.db", audit::export_format::json,
                                        *audit::parse_since("2026-12-02T09:00:00Z"), false));
  REQUIRE(later.size() == 5);
  CHECK(later[0].at("hook_instance") == "h3");
  CHECK(run_export(dir / "audit.db", audit::export_format::json, "2027-01-01", false).empty());

  CHECK(audit::parse_since("2026-12-02") == "2026-12-02");
  CHECK(audit::parse_since("2026-12-02T09:00:00Z") == "2026-12-02T09:00:00");
  CHECK(audit::parse_since("2026-12-02T09:00:00.250Z") == "2026-12-02T09:00:00.250");
  for (const char* bad : {"", "2026-13-01", "2026-02-30", "2025-02-29", "2026-12-2", "yesterday",
                          "2026-12-02T25:00:00Z", "2026-12-02T09:00:00", "2026-12-02 09:00:00Z",
                          "2026-12-02T09:00:00+01:00", "2026-12-02T09:00:00.Z"})
    CHECK_FALSE(audit::parse_since(bad).has_value());
  CHECK(audit::parse_since("2024-02-29").has_value());
}

TEST_CASE("audit export: CSV with a header, RFC 4180 quoting and no spreadsheet formulas",
          "[audit][export]") {
  const temp_dir dir;
  fill(dir / "audit.db");
  const std::string text = run_export(dir / "audit.db", audit::export_format::csv, "", false);
  const std::string header =
      "kind,record_id,time,service,hook_instance,issuer,patient_ref,decision,rule_ids,card_uuid,"
      "indicator,outcome,override_reason,comment,outcome_timestamp,knowledge_version,"
      "library_version,model_version,policy_name,latency_ms\r\n";
  REQUIRE(text.starts_with(header));
  // 1 header + 9 records; one comment holds a newline inside quotes.
  std::size_t crlf = 0;
  for (std::size_t p = text.find("\r\n"); p != std::string::npos; p = text.find("\r\n", p + 2))
    ++crlf;
  CHECK(crlf == 10);
  CHECK(text.find(",\"said \"\"no\"\", twice\nthen left\",") != std::string::npos);
  CHECK(text.find(",'=HYPERLINK(\"\"x\"\"),") == std::string::npos);
  CHECK(text.find(",\"'=HYPERLINK(\"\"x\"\")\",") != std::string::npos);
  CHECK(text.find("\nhook,") != std::string::npos);
  // A hook row: rule ids and card uuids space-separated, latency last.
  const auto h1 = text.substr(header.size(), text.find("\r\n", header.size()) - header.size());
  CHECK(h1.find(",Patient/123,defer,MED-ISO SKIN-ACTIVE-INFECTION,card-h1 questions-h1,critical "
                "info,cards,,,,2026.2,0.1.0,priors,clinic,1.250") != std::string::npos);
  // Every record row has the header's 20 columns (no quoted commas in the rows checked).
  const auto rows = lines_of(text);
  std::size_t commas = 0;
  for (char c : rows[0]) commas += c == ',' ? 1 : 0;
  CHECK(commas == 19);
  for (std::size_t i = 1; i < 5; ++i) {
    std::size_t n = 0;
    for (char c : rows[i]) n += c == ',' ? 1 : 0;
    CHECK(n == 19);
  }
}

TEST_CASE("audit export: override rate per rule, most overridden first", "[audit][export]") {
  const temp_dir dir;
  fill(dir / "audit.db");
  const auto rows = objects(run_export(dir / "audit.db", audit::export_format::json, "", true));
  REQUIRE(rows.size() == 5);
  // BLOOD-ANTICOAG: 1 card, 2 overrides (two different feedback items), rate 1.
  CHECK(rows[0].at("rule_id") == "BLOOD-ANTICOAG");
  CHECK(rows[0].at("cards_shown") == 1);
  CHECK(rows[0].at("overridden") == 2);
  CHECK(rows[0].at("override_rate").to_number<double>() == Approx(1.0));
  CHECK(rows[0].at("override_reasons").as_object().at("not-relevant") == 1);
  // Rate 1 with one feedback item each, then by rule id.
  CHECK(rows[1].at("rule_id") == "(unmatched)");
  CHECK(rows[1].at("cards_shown") == 0);
  CHECK(rows[1].at("override_reasons").as_object().at("other") == 1);
  CHECK(rows[2].at("rule_id") == "SKIN-ACTIVE-INFECTION");
  CHECK(rows[2].at("cards_shown") == 1);
  CHECK(rows[2].at("override_rate").to_number<double>() == Approx(1.0));
  // MED-ISO: 2 cards shown, 1 overridden + 1 accepted.
  CHECK(rows[3].at("rule_id") == "MED-ISO");
  CHECK(rows[3].at("cards_shown") == 2);
  CHECK(rows[3].at("feedback") == 2);
  CHECK(rows[3].at("accepted") == 1);
  CHECK(rows[3].at("overridden") == 1);
  CHECK(rows[3].at("override_rate").to_number<double>() == Approx(0.5));
  // Cards without rules (the questions cards): shown 3 times, accepted once.
  CHECK(rows[4].at("rule_id") == "(none)");
  CHECK(rows[4].at("cards_shown") == 3);
  CHECK(rows[4].at("override_rate").to_number<double>() == Approx(0.0));

  // Since the second day: h1 and its feedback drop out.
  const auto later =
      objects(run_export(dir / "audit.db", audit::export_format::json, "2026-12-02", true));
  for (const auto& r : later)
    if (r.at("rule_id") == "SKIN-ACTIVE-INFECTION") FAIL("h1 is before --since");

  const std::string csv = run_export(dir / "audit.db", audit::export_format::csv, "", true);
  REQUIRE(csv.starts_with(
      "rule_id,cards_shown,feedback,accepted,overridden,override_rate,override_reasons\r\n"));
  CHECK(csv.find("\r\nMED-ISO,2,2,1,1,0.500,patient-aware=1\r\n") != std::string::npos);
}
