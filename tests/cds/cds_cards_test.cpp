// SPDX-License-Identifier: Apache-2.0
// The response writer: indicator rules, the questions card of an incomplete screen, no card for
// a complete proceed, summaries under 140 characters, escaped Markdown, stable uuids, override
// reasons, suggestions, and no null or empty optional field.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "cds_test_support.hpp"

using namespace mnscreen;
using namespace mnscreen::test;

namespace {

cds::request request_for(cds::hook h, std::string instance = "inst-1") {
  cds::request r;
  r.hook = h;
  r.hook_name = std::string(cds::to_string(h));
  r.hook_instance = std::move(instance);
  r.patient_id = "p";
  return r;
}

flag make_flag(std::string id, effect e, std::string reason) {
  flag f;
  f.rule_id = std::move(id);
  f.effect = e;
  f.reason = std::move(reason);
  f.action = "Do the right thing.";
  f.evidence = {{"a source", evidence_level::guideline}};
  return f;
}

cds::hook_result result_with(std::vector<flag> flags, bool complete) {
  cds::hook_result r;
  r.input.has_plan = true;
  r.input.plan = basic_plan();
  report rep;
  rep.knowledge_version = "2026.1";
  rep.flags = std::move(flags);
  rep.complete = complete;
  rep.decision = decision::proceed;
  for (const auto& f : rep.flags)
    if (f.effect != effect::info && !f.override_record)
      rep.decision = std::max(rep.decision, to_decision(f.effect));
  if (!complete) {
    rep.questions = {{question::pregnancy, "Are you pregnant?", decision::defer},
                     {question::keloid, "Keloids?", decision::proceed_with_caution}};
    if (rep.decision == decision::proceed) rep.decision = decision::proceed_with_caution;
  }
  r.screen = rep;
  return r;
}

bj::value respond(const cds::hook_result& r, const cds::request& q,
                  const cds::response_options& o = {}) {
  return bj::parse(cds::to_response(r, q, o));
}

// No null, no empty string, array or object anywhere below the top-level `cards`.
void check_no_empty(const bj::value& v, const std::string& path) {
  INFO(path);
  switch (v.kind()) {
    case bj::kind::null:
      FAIL("null at " + path);
      break;
    case bj::kind::string:
      CHECK_FALSE(v.as_string().empty());
      break;
    case bj::kind::array:
      CHECK_FALSE(v.as_array().empty());
      for (std::size_t i = 0; i < v.as_array().size(); ++i)
        check_no_empty(v.as_array()[i], path + "[" + std::to_string(i) + "]");
      break;
    case bj::kind::object:
      CHECK_FALSE(v.as_object().empty());
      for (const auto& m : v.as_object())
        check_no_empty(m.value(), path + "." + std::string(m.key()));
      break;
    default:
      break;
  }
}

void check_response_shape(const bj::value& response) {
  REQUIRE(response.is_object());
  REQUIRE(response.as_object().size() == 1);  // cards only; no empty systemActions
  for (std::size_t i = 0; i < cards_of(response).size(); ++i) {
    const auto& c = cards_of(response)[i].as_object();
    check_no_empty(c, "$.cards[" + std::to_string(i) + "]");
    const std::string summary = str_of(c.at("summary"));
    // Characters, not bytes: count UTF-8 lead bytes.
    std::size_t chars = 0;
    for (const char ch : summary)
      if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++chars;
    CHECK(chars < 140);
    const std::string indicator = str_of(c.at("indicator"));
    CHECK((indicator == "info" || indicator == "warning" || indicator == "critical"));
    CHECK(str_of(c.at("source").at("label")).find("knowledge") != std::string::npos);
    const std::string uuid = str_of(c.at("uuid"));
    REQUIRE(uuid.size() == 36);
    CHECK(uuid[14] == '5');
    if (indicator == "info") {
      CHECK_FALSE(c.contains("overrideReasons"));
    } else {
      REQUIRE(c.contains("overrideReasons"));
      for (const auto& o : c.at("overrideReasons").as_array()) {
        CHECK_FALSE(o.at("code").as_string().empty());
        CHECK_FALSE(o.at("display").as_string().empty());
        CHECK(o.at("system").as_string() == cds::override_reason_system);
      }
    }
    if (c.contains("suggestions")) {
      CHECK(c.contains("selectionBehavior"));
      for (const auto& s : c.at("suggestions").as_array()) {
        CHECK(s.at("uuid").as_string().size() == 36);
        CHECK_FALSE(s.at("actions").as_array().empty());
      }
    }
  }
}

}  // namespace

TEST_CASE("Indicator from the most serious flag", "[cds][cards]") {
  struct row {
    effect e;
    std::string indicator;
  };
  for (const auto& [e, indicator] : std::vector<row>{{effect::do_not_treat, "critical"},
                                                     {effect::defer, "critical"},
                                                     {effect::modify_plan, "warning"},
                                                     {effect::proceed_with_caution, "warning"}}) {
    INFO(to_string(e));
    const auto r = result_with(
        {make_flag("rule_a", e, "The reason."), make_flag("rule_i", effect::info, "A note.")},
        true);
    const auto response = respond(r, request_for(cds::hook::order_sign));
    check_response_shape(response);
    REQUIRE(cards_of(response).size() == 1);
    const auto& card = cards_of(response)[0];
    CHECK(str_of(card.at("indicator")) == indicator);
    // Every flag is listed, the info note too, with reason, action, evidence level.
    const std::string detail = str_of(card.at("detail"));
    CHECK(detail.find("rule `rule_a`") != std::string::npos);
    CHECK(detail.find("rule `rule_i`") != std::string::npos);
    CHECK(detail.find("Evidence: guideline") != std::string::npos);
    CHECK(detail.find("Action: Do the right thing") != std::string::npos);
  }
}

TEST_CASE("Unknowns alone give the info questions card, never a warning", "[cds][cards]") {
  for (const auto h : {cds::hook::patient_view, cds::hook::order_sign}) {
    const auto r = result_with({make_flag("rule_i", effect::info, "A note.")}, false);
    const auto response = respond(r, request_for(h), {true, {}});
    check_response_shape(response);
    REQUIRE(cards_of(response).size() == 1);
    const auto& card = cards_of(response)[0];
    CHECK(str_of(card.at("indicator")) == "info");
    CHECK(str_of(card.at("source").at("topic").at("code")) == "questions");
    const std::string detail = str_of(card.at("detail"));
    // Most decisive first, as the report orders them.
    CHECK(detail.find("Are you pregnant") < detail.find("Keloids"));
    CHECK(detail.find("rule `rule_i`") != std::string::npos);
    CHECK(str_of(card.at("summary")).find("pregnancy") != std::string::npos);
  }
  // A caution flag plus unknowns: the flags card (warning) and the questions card (info).
  const auto r =
      result_with({make_flag("rule_c", effect::proceed_with_caution, "Careful.")}, false);
  const auto response = respond(r, request_for(cds::hook::patient_view));
  REQUIRE(cards_of(response).size() == 2);
  CHECK(str_of(cards_of(response)[0].at("indicator")) == "warning");
  CHECK(str_of(cards_of(response)[1].at("indicator")) == "info");
}

TEST_CASE("A complete proceed shows no card (configurable for patient-view)", "[cds][cards]") {
  const auto r = result_with({make_flag("rule_i", effect::info, "A note.")}, true);
  for (const auto h : {cds::hook::patient_view, cds::hook::order_select, cds::hook::order_sign,
                       cds::hook::appointment_book})
    CHECK(cds::to_response(r, request_for(h)) == R"({"cards":[]})");
  // The option applies to patient-view only.
  CHECK(cds::to_response(r, request_for(cds::hook::order_sign), {true, {}}) == R"({"cards":[]})");
  const auto response =
      respond(r, request_for(cds::hook::patient_view), {true, "https://x.test/doc"});
  check_response_shape(response);
  REQUIRE(cards_of(response).size() == 1);
  const auto& card = cards_of(response)[0];
  CHECK(str_of(card.at("indicator")) == "info");
  CHECK(str_of(card.at("source").at("url")) == "https://x.test/doc");
  CHECK(str_of(card.at("summary")).find("no contraindication") != std::string::npos);
}

TEST_CASE("Summaries stay under 140 characters and say what and until when", "[cds][cards]") {
  std::string long_reason;
  for (int i = 0; i < 60; ++i) long_reason += "Ünïcödé reason ";
  auto r = result_with({make_flag("rule_a", effect::defer, long_reason),
                        make_flag("rule_b", effect::defer, "Other."),
                        make_flag("rule_c", effect::modify_plan, "Third.")},
                       false);
  r.screen->flags[0].earliest_safe_date = d("2027-03-30");
  r.screen->defer_until = d("2027-03-30");
  for (int q = 0; q < 18; ++q)
    r.screen->questions.push_back({static_cast<question>(q), "Q?", std::nullopt});
  const auto response = respond(r, request_for(cds::hook::order_sign));
  check_response_shape(response);
  const std::string s = str_of(cards_of(response)[0].at("summary"));
  CHECK(s.rfind("Defer until 2027-03-30: ", 0) == 0);
  CHECK(s.find("(+2 more)") != std::string::npos);
  // The fixture: the specific reason of the issue's example.
  const auto run = run_hook(cds_fixture("patient-view.json"));
  check_response_shape(run.response);
  const auto* flags = card_of_kind(run.response, "flags");
  REQUIRE(flags != nullptr);
  CHECK(str_of(flags->at("summary")) ==
        "Defer until 2027-03-30: Oral isotretinoin stopped on 2026-10-01, inside the 180-day "
        "wash-out");
  CHECK(str_of(flags->at("indicator")) == "critical");
}

TEST_CASE("Record text is escaped in the Markdown detail", "[cds][cards]") {
  const std::string evil =
      "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "
      "*bold* _it_ `code` | table | &amp; # heading\n- item";
  auto r = result_with({make_flag("rule_a", effect::defer, evil)}, false);
  r.screen->questions[0].ask = evil;
  r.input.assumptions = {evil};
  r.input.unavailable = {{"conditions", evil}};
  const auto response = respond(r, request_for(cds::hook::patient_view));
  check_response_shape(response);
  for (const auto& c : cards_of(response)) {
    std::string detail = str_of(c.at("detail"));
    INFO(detail);
    // Our own code span of the rule id is the only Markdown the writer adds around ids.
    for (auto at = detail.find("`rule_a`"); at != std::string::npos; at = detail.find("`rule_a`"))
      detail.erase(at, 8);
    for (std::size_t i = 0; i < detail.size(); ++i) {
      const char ch = detail[i];
      if (ch == '<' || ch == '>' || ch == '[' || ch == ']' || ch == '&' || ch == '`' || ch == '|') {
        REQUIRE(i > 0);
        CHECK(detail[i - 1] == '\\');
      }
    }
    CHECK(detail.find("<script>") == std::string::npos);
    CHECK(detail.find("](") == std::string::npos);
    CHECK(detail.find("\n- item") == std::string::npos);  // record line breaks are spaces
  }
}

TEST_CASE("Card uuids are stable and distinct", "[cds][cards]") {
  const auto a = run_hook(cds_fixture("order-sign.json"));
  const auto b = run_hook(cds_fixture("order-sign.json"));
  CHECK(bj::serialize(a.response) == bj::serialize(b.response));
  std::set<std::string> uuids;
  for (const auto& c : cards_of(a.response)) {
    uuids.insert(str_of(c.at("uuid")));
    if (c.as_object().contains("suggestions"))
      for (const auto& s : c.at("suggestions").as_array()) uuids.insert(str_of(s.at("uuid")));
  }
  CHECK(uuids.size() == 4);  // flags card, questions card, two suggestions
  // Another hook instance, other uuids.
  std::string other = cds_fixture("order-sign.json");
  other.replace(other.find("3c7b2a3e"), 8, "00000000");
  const auto c = run_hook(other);
  for (const auto& card : cards_of(c.response)) CHECK(uuids.count(str_of(card.at("uuid"))) == 0);
  // The function itself: order of rule ids does not matter, the kind does.
  const std::vector<std::string> ids1 = {"b", "a"}, ids2 = {"a", "b"};
  CHECK(cds::card_uuid("i", "flags", ids1) == cds::card_uuid("i", "flags", ids2));
  CHECK(cds::card_uuid("i", "flags", ids1) != cds::card_uuid("i", "questions", ids1));
  CHECK(cds::card_uuid("i", "flags", ids1) != cds::card_uuid("j", "flags", ids1));
}

TEST_CASE("order-sign suggestions: earliest safe date, excluded area, no anaesthetic",
          "[cds][cards]") {
  // The fixture with isotretinoin added through a fetched key: defer wins, so the date moves.
  auto req = cds::parse_request(cds_fixture("order-sign.json"));
  REQUIRE(req.ok());
  const auto fetch = [](std::string_view url) {
    cds::fetch_result r;
    r.status = cds::fetch_result::status::ok;
    if (url == "MedicationStatement?patient=pat-2")
      r.documents = {
          R"({"resourceType":"MedicationStatement","id":"m","status":"completed",)"
          R"("medicationCodeableConcept":{"coding":[{"system":"http://www.whocc.no/atc",)"
          R"("code":"D10BA01"}]},"subject":{"reference":"Patient/pat-2"},)"
          R"("effectivePeriod":{"start":"2026-05-01","end":"2026-10-01"}})"};
    else
      r.documents = {R"({"resourceType":"Bundle","type":"searchset","total":0})"};
    return r;
  };
  cds::resolve_prefetch(req.value, fetch);
  const auto result =
      cds::screen_request(req.value, cds_screener(), cds_reader(), cds_settings(), cds_today());
  const auto response = bj::parse(cds::to_response(result, req.value));
  check_response_shape(response);
  const auto* card = card_of_kind(response, "flags");
  REQUIRE(card != nullptr);
  CHECK(str_of(card->at("indicator")) == "critical");
  CHECK(str_of(card->at("selectionBehavior")) == "any");
  std::vector<std::string> labels;
  for (const auto& s : card->at("suggestions").as_array()) {
    labels.push_back(str_of(s.at("label")));
    const auto& action = s.at("actions").as_array()[0];
    CHECK(str_of(action.at("type")) == "update");
    CHECK(str_of(action.at("resource").at("id")) == "sr-1");
    if (labels.back().rfind("Move to", 0) == 0)
      CHECK(str_of(action.at("resource").at("occurrenceDateTime")) == "2027-03-30");
    if (labels.back().rfind("Drop", 0) == 0)
      CHECK(action.at("resource").at("bodySite").as_array().size() == 1);
  }
  CHECK(labels == std::vector<std::string>{"Move to 2027-03-30 (earliest safe date)",
                                           "Drop forehead from the order",
                                           "Order without topical anaesthetic"});
}

TEST_CASE("Plans from orders, appointments and the default plan, assumptions named",
          "[cds][cards]") {
  SECTION("order-sign: areas, date, device, depth, anaesthetic from the order") {
    const auto run = run_hook(cds_fixture("order-sign.json"));
    const auto& p = run.result.input.plan;
    CHECK(p.areas == std::vector<area>{area::cheeks, area::forehead});
    CHECK(p.date == d("2026-12-10"));
    CHECK(p.anesthetic == anesthetic::lidocaine);
    CHECK(p.needle_depth == millimetres{1.0});
    CHECK(run.result.input.source_type == "ServiceRequest");
  }
  SECTION("order-select: the selected order, matched by order code; defaults named") {
    const auto run = run_hook(cds_fixture("order-select.json"));
    const auto& in = run.result.input;
    REQUIRE(in.has_plan);
    CHECK(in.source_resource.find("sr-mn") != std::string::npos);
    CHECK(in.plan.areas == std::vector<area>{area::cheeks});
    CHECK(in.plan.date == d("2026-12-15"));
    const std::string all = [&] {
      std::string s;
      for (const auto& a : in.assumptions) s += a + "\n";
      return s;
    }();
    CHECK(all.find("needle depth 1 mm from the default plan") != std::string::npos);
    CHECK(all.find("device pen from the default plan") != std::string::npos);
    const auto* q = card_of_kind(run.response, "questions");
    REQUIRE(q != nullptr);
    CHECK(str_of(q->at("detail")).find("from the default plan") != std::string::npos);
  }
  SECTION("order-sign of another kind of order: no card at all") {
    std::string text = cds_fixture("order-select.json");
    text.replace(text.find("\"17999\""), 7, "\"11111\"");
    const auto run = run_hook(text);
    CHECK_FALSE(run.result.screen.has_value());
    CHECK(has_code(run.result.input.diagnostics, "cds.no_microneedling_order"));
    CHECK(run.result.input.not_applicable);
    CHECK(bj::serialize(run.response) == R"({"cards":[]})");
  }
  SECTION("appointment-book for another service, or an order matched by a clinic word") {
    std::string text = cds_fixture("appointment-book.json");
    text.replace(text.find("\"Microneedling\""), 15, "\"Dental check\"");
    const auto run = run_hook(text);
    CHECK(run.result.input.not_applicable);
    CHECK(bj::serialize(run.response) == R"({"cards":[]})");
    std::string order = cds_fixture("order-select.json");
    order.replace(order.find("\"17999\""), 7, "\"11111\"");
    order.replace(order.find("Skin procedure"), 14, "Dermapen session");
    cds::hook_settings s = cds_settings();
    s.order_words = {"dermapen"};
    const auto matched = run_hook(order, {}, {}, s);
    CHECK(matched.result.input.has_plan);
    CHECK_FALSE(matched.result.input.not_applicable);
  }
  SECTION("appointment-book: the appointment's day, the default plan") {
    const auto run = run_hook(cds_fixture("appointment-book.json"));
    CHECK(run.result.input.plan.date == d("2026-12-20"));
    CHECK(run.result.input.plan.areas == std::vector<area>{area::cheeks});
    const auto* card = card_of_kind(run.response, "flags");
    REQUIRE(card != nullptr);
    const auto& res =
        card->at("suggestions").as_array()[0].at("actions").as_array()[0].at("resource");
    CHECK(str_of(res.at("start")) == "2027-03-30T09:00:00-05:00");
    CHECK(str_of(res.at("end")) == "2027-03-30T10:00:00-05:00");
  }
  SECTION("patient-view without a default plan: an info card, never a clear") {
    cds::hook_settings s = cds_settings();
    s.default_plan.reset();
    const auto run = run_hook(cds_fixture("patient-view.json"), {}, {}, s);
    CHECK_FALSE(run.result.screen.has_value());
    check_response_shape(run.response);
    REQUIRE(cards_of(run.response).size() == 1);
    CHECK(str_of(cards_of(run.response)[0].at("indicator")) == "info");
    CHECK(card_of_kind(run.response, "not-screened") != nullptr);
  }
  SECTION("a past order date screens for today") {
    std::string text = cds_fixture("order-sign.json");
    text.replace(text.find("2026-12-10T10"), 10, "2026-11-01");
    const auto run = run_hook(text);
    CHECK(run.result.input.plan.date == cds_today());
  }
}

TEST_CASE("A screen that cannot run says so without clearing", "[cds][cards]") {
  auto r = result_with({}, true);
  r.screen->decision = decision::cannot_screen;
  r.screen->warnings = {{severity::error, "out_of_range", "$.needle_depth_mm", "too deep"}};
  const auto response = respond(r, request_for(cds::hook::order_sign));
  check_response_shape(response);
  REQUIRE(cards_of(response).size() == 1);
  CHECK(card_of_kind(response, "cannot-screen") != nullptr);
  CHECK(str_of(cards_of(response)[0].at("detail")).find("too deep") != std::string::npos);
}

TEST_CASE("Every fixture's response has the CDS Hooks shape", "[cds][cards]") {
  for (const auto* name :
       {"patient-view.json", "order-sign.json", "order-select.json", "appointment-book.json"}) {
    INFO(name);
    const auto run = run_hook(cds_fixture(name));
    check_response_shape(run.response);
    CHECK_FALSE(cards_of(run.response).empty());
  }
}

TEST_CASE("to_response gives the cards it wrote: uuid and indicator, in order", "[cds][cards]") {
  const auto q = request_for(cds::hook::patient_view);
  cds::hook_result no_plan;  // the not-screened card
  const std::vector<cds::hook_result> results = {
      result_with({make_flag("isotretinoin_recent", effect::defer, "isotretinoin")}, false),
      result_with({make_flag("anticoagulant", effect::modify_plan, "warfarin")}, true),
      result_with({}, false), result_with({}, true), no_plan};
  for (const auto& r : results) {
    std::vector<cds::response_card> cards = {{"stale", "stale"}};  // replaced
    const std::string body = cds::to_response(r, q, {}, cards);
    CHECK(body == cds::to_response(r, q));
    const bj::value parsed = bj::parse(body);
    const auto& expected = parsed.as_object().at("cards").as_array();
    REQUIRE(cards.size() == expected.size());
    for (std::size_t i = 0; i < cards.size(); ++i) {
      CHECK(cards[i].uuid == std::string(expected[i].at("uuid").as_string()));
      CHECK(cards[i].indicator == std::string(expected[i].at("indicator").as_string()));
    }
  }
}

TEST_CASE("to_response gives each card the rules it asks the clinician to act on", "[cds][cards]") {
  const auto q = request_for(cds::hook::patient_view);
  // A flag overridden in the plan is listed on the flags card but is not acted on: the card's
  // rules (and its uuid) are the active flags only. The audit trail records these rules, and the
  // override-rate summary joins feedback to them.
  flag overridden = make_flag("anticoagulant", effect::modify_plan, "warfarin");
  overridden.override_record = rule_override{"anticoagulant", override_reason::other, "Dr A",
                                             "agreed with the prescriber", std::nullopt};
  const auto r = result_with({make_flag("isotretinoin_recent", effect::defer, "isotretinoin"),
                              overridden, make_flag("smoker_healing", effect::info, "smoker")},
                             true);
  std::vector<cds::response_card> cards;
  const std::string body = cds::to_response(r, q, {}, cards);
  REQUIRE(cards.size() == 1);
  CHECK(cards[0].indicator == "critical");
  const std::vector<std::string> active = {"isotretinoin_recent", "smoker_healing"};
  CHECK(cards[0].rule_ids == active);
  CHECK(cards[0].uuid == cds::card_uuid(q.hook_instance, "flags", active));
  CHECK(body.find("warfarin") != std::string::npos);  // still listed, for the record

  // An incomplete screen's questions card acts on no rule.
  std::vector<cds::response_card> questions;
  (void)cds::to_response(result_with({}, false), q, {}, questions);
  REQUIRE(questions.size() == 1);
  CHECK(questions[0].rule_ids.empty());

  // A complete proceed shown on patient-view: its info flags.
  cds::response_options show;
  show.proceed_card_on_patient_view = true;
  std::vector<cds::response_card> proceed;
  (void)cds::to_response(result_with({make_flag("smoker_healing", effect::info, "smoker")}, true),
                         q, show, proceed);
  REQUIRE(proceed.size() == 1);
  CHECK(proceed[0].rule_ids == std::vector<std::string>{"smoker_healing"});
  CHECK(proceed[0].uuid == cds::card_uuid(q.hook_instance, "proceed", proceed[0].rule_ids));
}
