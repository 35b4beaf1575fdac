// SPDX-License-Identifier: Apache-2.0
// The streaming intake and plan readers (src/io/json_stream.cpp) against the tree readers they
// hand documents to: on every document parse_intake/parse_plan must give exactly what the tree
// reader gives (value and diagnostics, in order, word for word), and the streaming reader must
// read the documents it is meant for (the examples, written documents, the odd but clean
// spellings) and hand on every kind of problem.
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/json_stream.hpp"
#include "mnscreen/json.hpp"
#include "property_support.hpp"

namespace {

using namespace mnscreen;
using namespace mnscreen::prop;

std::string read_file(const std::string& name) {
  std::ifstream in(std::string(MNSCREEN_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string dump(const std::vector<diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += format(d) + " [" + d.code + "]\n";
  return out;
}

// parse_intake (streaming first) against the tree reader alone.
bool same_as_tree_intake(std::string_view text, const read_limits& limits = {}) {
  const auto streamed = parse_intake(text, limits);
  const auto tree = io::read_intake_tree(text, limits);
  return streamed.value == tree.value && streamed.diagnostics == tree.diagnostics;
}
bool same_as_tree_plan(std::string_view text, const read_limits& limits = {}) {
  const auto streamed = parse_plan(text, limits);
  const auto tree = io::read_plan_tree(text, limits);
  return streamed.value == tree.value && streamed.diagnostics == tree.diagnostics;
}

bool streams_intake(std::string_view text, const read_limits& limits = {}) {
  intake in;
  return io::stream_intake(text, limits, in);
}
bool streams_plan(std::string_view text, const read_limits& limits = {}) {
  procedure_plan plan;
  io::index_map areas;
  return io::stream_plan(text, limits, plan, areas);
}

const std::string intake_head = R"({"schema":"mnscreen.intake/1",)";
const std::string plan_head =
    R"({"schema":"mnscreen.plan/1","date":"2026-12-01","device":"pen","needle_depth_mm":1.0,)"
    R"("anesthetic":"lidocaine","setting":"clinic",)";

}  // namespace

TEST_CASE("streaming reader: the example documents are read in one pass, as the tree reads them",
          "[io][stream]") {
  for (const char* name :
       {"intake-healthy.json", "intake-bleeding-disorder.json", "intake-cold-sores.json",
        "intake-incomplete.json", "intake-isotretinoin.json", "intake-pacemaker.json",
        "intakes/p-201-healthy.json", "intakes/p-202-apixaban.json",
        "intakes/p-203-active-acne.json", "intakes/p-204-recent-peel.json",
        "intakes/p-205-pregnant.json"}) {
    INFO(name);
    const std::string text = read_file(name);
    CHECK(streams_intake(text));
    CHECK(same_as_tree_intake(text));
  }
  for (const char* name : {"plan-cheeks-pen.json", "plan-rf.json"}) {
    INFO(name);
    const std::string text = read_file(name);
    CHECK(streams_plan(text));
    CHECK(same_as_tree_plan(text));
  }
}

TEST_CASE("streaming reader: clean documents in unusual spellings are read in one pass",
          "[io][stream]") {
  const std::vector<std::string> intakes = {
      // Keys in another order, escapes in keys and strings, nulls for optional fields.
      R"({"conditions":[{"source":"caf\u00e9 \"x\"","code":"keloid","sit\u0065s":["face","cheeks"]}],)"
      R"("schema":"mnscreen.intake/1","patient":{"sex":null,"smoker":true,"id":"p\n1"}})",
      // null lists and patient; the lab unit converted (IFCC to NGSP), validation warnings kept.
      intake_head + R"("patient":null,"medications":null,"labs":[{"code":"hba1c","value":53,)"
                    R"("unit":"mmol/mol","date":"2026-11-01"}],"negatives":["keloid"]})",
      // Numbers: exponent, negative zero, a huge integer where a double is read.
      intake_head + R"("labs":[{"code":"inr","value":2.5e0,"date":"2026-11-01"},)"
                    R"({"code":"platelets","value":18446744073709551615,"date":"2026-11-01"}]})",
      // A birth date after the screening date, an empty patient: validate() speaks, not the reader.
      intake_head + R"("patient":{"birth_date":"2090-01-01"}})",
  };
  for (const auto& text : intakes) {
    INFO(text);
    CHECK(streams_intake(text));
    CHECK(same_as_tree_intake(text));
  }
  const std::vector<std::string> plans = {
      plan_head + R"("areas":["face","cheeks","forehead"],"adjuncts":["prp"],)"
                  R"("overrides":[{"rule_id":"keloid_history","reason":"informed_consent",)"
                  R"("by":"Dr A","date":"2026-11-30"}]})",
      // Validation of areas after a group word: its paths name the JSON index, not the vector's.
      plan_head + R"("areas":["face","eyelids"],"needle_material":"gold_plated"})",
  };
  for (const auto& text : plans) {
    INFO(text);
    CHECK(streams_plan(text));
    CHECK(same_as_tree_plan(text));
  }
}

TEST_CASE("streaming reader: every kind of reader problem goes to the tree reader",
          "[io][stream]") {
  read_limits small;
  small.max_array_length = 2;
  small.max_string_length = 8;
  struct doc {
    std::string text;
    read_limits limits;
  };
  const std::vector<doc> intakes = {
      {"", {}},                                                         // empty
      {intake_head + R"("patient":{}})" + " x", {}},                    // extra data
      {intake_head + R"("patient":{})", {}},                            // malformed
      {"[]", {}},                                                       // root not an object
      {R"({"patient":{}})", {}},                                        // schema missing
      {R"({"schema":null})", {}},                                       // schema null
      {R"({"schema":"mnscreen.plan/1"})", {}},                          // wrong schema
      {intake_head + R"("extra":1})", {}},                              // unknown key
      {intake_head + R"("patient":{"idx":"a"}})", {}},                  // unknown nested key
      {intake_head + R"("patient":{"id":"a","id":"b"}})", {}},          // duplicate key
      {intake_head + R"("patient":[]})", {}},                           // wrong type
      {intake_head + R"("patient":{"fitzpatrick":99999999999}})", {}},  // out of range
      {intake_head + R"("patient":{"pregnant":"yes"}})", {}},           // not a bool
      {intake_head + R"("patient":{"sex":"f"}})", {}},                  // unknown word
      {intake_head + R"("patient":{"birth_date":"1990-02-30"}})", {}},  // invalid date
      {intake_head + R"("conditions":[{"status":"active"}]})", {}},     // code missing
      {intake_head + R"("conditions":[{"code":null}]})", {}},           // code null
      {intake_head + R"("conditions":["keloid"]})", {}},                // item not an object
      {intake_head + R"("conditions":[{"code":"keloid","sites":"face"}]})", {}},
      {intake_head + R"("conditions":[{"code":"keloid","sites":["nose",1]}]})", {}},
      {intake_head + R"("conditions":[{"code":"keloid","sites":["navel"]}]})", {}},
      {intake_head + R"("negatives":["keloid","maybe"]})", {}},  // unknown negative
      {intake_head + R"("labs":[{"code":"hba1c","value":"7","date":"2026-01-01"}]})", {}},
      {intake_head + R"("labs":[{"code":"hba1c","value":1e400,"date":"2026-01-01"}]})", {}},
      {intake_head + R"("labs":[{"code":"inr","value":2,"unit":"mmol/mol","date":"2026-01-01"}]})",
       {}},  // unit unknown for the lab
      {intake_head + R"("labs":[{"code":"inr","value":2,"date":"2026-01-01"}],"x":[[[[1]]]]})", {}},
      {intake_head + R"("negatives":["keloid","isotretinoin","anticoagulant"]})", small},
      {intake_head + R"("patient":{"id":"0123456789"}})", small},  // string over the limit
      {intake_head + R"("patient":{"id":"a\u2026 [cut, 9 bytes in all]"}})", {}},  // cut marker
      {intake_head + R"("patient":{}})", read_limits{10, 32, 10000, 65536}},       // over max_bytes
      {intake_head + R"("conditions":[{"code":"keloid","sites":["cheeks"]}]})",
       read_limits{8u * 1024 * 1024, 3, 10000, 65536}},  // too deep
  };
  for (const auto& d : intakes) {
    INFO(d.text);
    CHECK_FALSE(streams_intake(d.text, d.limits));
    CHECK(same_as_tree_intake(d.text, d.limits));
    CHECK_FALSE(parse_intake(d.text, d.limits).diagnostics.empty());
  }
  // Clean, but in a spelling the streaming reader leaves to the tree reader.
  for (const std::string& text : {intake_head + R"("patient":{"fitzpatrick":3.0}})"}) {
    INFO(text);
    CHECK_FALSE(streams_intake(text));
    CHECK(same_as_tree_intake(text));
    CHECK(parse_intake(text).diagnostics.empty());
  }
  const std::vector<std::string> plans = {
      plan_head +
          R"("areas":["cheeks"],"overrides":[{"rule_id":"no_such_rule","reason":"other"}]})",
      plan_head + R"("areas":["cheeks"],"overrides":[{"rule_id":"keloid_history"}]})",
      plan_head + R"("areas":["cheeks"],"adjuncts":["prp","glitter"]})",
      plan_head + R"("areas":null})",
      plan_head + R"("areas":["cheeks"],"needle_depth_mm":2})",
      plan_head + R"("areas":["cheeks"],"single_use_needles":1})",
      R"({"schema":"mnscreen.plan/1","areas":["cheeks"]})",
  };
  for (const auto& text : plans) {
    INFO(text);
    CHECK_FALSE(streams_plan(text));
    CHECK(same_as_tree_plan(text));
    CHECK_FALSE(parse_plan(text).diagnostics.empty());
  }
}

TEST_CASE("property: documents written by to_json are read in one pass", "[property][stream]") {
  rc::prop("intake", [] {
    const std::string text = to_json((*gen_scenario()).record);
    RC_ASSERT(streams_intake(text));
    RC_ASSERT(same_as_tree_intake(text));
  });
  rc::prop("plan", [] {
    const std::string text = to_json(*gen_any_plan());
    RC_ASSERT(streams_plan(text));
    RC_ASSERT(same_as_tree_plan(text));
  });
}

namespace {

// Random documents near the formats: known keys with right and wrong values, now and then an
// unknown key, a key twice, a null, a group word; every one must read as the tree reads it.
std::string pick(const std::vector<std::string>& options) {
  return options[static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, options.size()))];
}

// Half of the documents are drawn "clean": every key there, no wrong value (nulls and
// validation problems still come), so that both readers' paths are well exercised.
bool clean = false;

// Mostly a good value, now and then one of `others`.
std::string mostly(const std::string& good, const std::vector<std::string>& others) {
  return !clean && *rc::gen::inRange(0, 8) == 0 ? pick(others) : good;
}

template <class E>
std::string word_value() {
  std::vector<std::string> options = {"null", "1", "\"zz\"", "true", "[]", "{}", "\"\""};
  for (const E e : all_codes<E>()) options.push_back("\"" + std::string(to_string(e)) + "\"");
  // Mostly a word of the vocabulary.
  return !clean && *rc::gen::inRange(0, 12) == 0 ? pick(options)
                                                 : "\"" + std::string(to_string(*code<E>())) + "\"";
}

std::string date_value() {
  return mostly(pick({"\"2026-11-01\"", "\"2020-02-29\"", "\"2090-01-01\"", "null"}),
                {"\"2026-02-30\"", "\"soon\"", "20261101"});
}
std::string text_value() {
  return mostly(pick({"\"a\"", "\"caf\\u00e9\"", "\"line\\nbreak\"", "\"\"", "null"}),
                {"7", "\"x\\u2026 [cut, 99 bytes in all]\""});
}
std::string number_value() {
  return mostly(pick({"7.5", "48", "-0", "0.1e1", "1e-400", "18446744073709551615", "null"}),
                {"1e400", "\"7\"", "true"});
}
std::string known_value() { return mostly(pick({"true", "false", "null"}), {"\"yes\"", "0"}); }
std::string areas_value() {
  return mostly(pick({"[\"cheeks\"]", "[\"face\",\"cheeks\"]", "[\"body\"]", "[]", "null",
                      "[\"scalp\",\"scalp\"]"}),
                {"[\"nose\",\"zz\"]", "\"cheeks\"", "[1]"});
}

struct member {
  std::string key;
  std::string value;
};

std::string object_of(std::vector<member> members) {
  // Now and then a key the format does not have, or one of the keys again.
  if (!clean && !members.empty() && *rc::gen::inRange(0, 30) == 0)
    members.push_back({"extra", "1"});
  if (!clean && !members.empty() && *rc::gen::inRange(0, 30) == 0)
    members.push_back(members[*rc::gen::inRange<std::size_t>(0, members.size())]);
  std::vector<member> kept;
  for (auto& m : members)
    if (clean || *rc::gen::inRange(0, 6) != 0) kept.push_back(std::move(m));  // some left out
  const auto order = *rc::gen::container<std::vector<int>>(kept.size(), rc::gen::arbitrary<int>());
  std::vector<std::size_t> index(kept.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = i;
  std::sort(index.begin(), index.end(),
            [&](std::size_t a, std::size_t b) { return order[a] < order[b]; });
  std::string out = "{";
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (i) out += ",";
    out += "\"" + kept[index[i]].key + "\":" + kept[index[i]].value;
  }
  return out + "}";
}

template <class F>
std::string list_of(F item) {
  if (!clean && *rc::gen::inRange(0, 20) == 0) return pick({"null", "{}", "\"x\""});
  std::string out = "[";
  const int n = *rc::gen::inRange(0, 4);
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + item();
  return out + "]";
}

std::string random_intake() {
  std::vector<member> root = {
      {"schema", *rc::gen::inRange(0, 20) == 0 ? "\"mnscreen.plan/1\"" : "\"mnscreen.intake/1\""},
      {"patient",
       object_of({{"id", text_value()},
                  {"birth_date", date_value()},
                  {"sex", word_value<sex>()},
                  {"fitzpatrick", mostly(pick({"1", "4", "7", "null"}), {"3.0", "\"2\""})},
                  {"pregnant", known_value()},
                  {"breastfeeding", known_value()},
                  {"smoker", known_value()}})},
      {"conditions", list_of([] {
         return object_of({{"code", word_value<condition_code>()},
                           {"status", word_value<condition_status>()},
                           {"severity", word_value<condition_severity>()},
                           {"onset", date_value()},
                           {"sites", areas_value()},
                           {"source", text_value()}});
       })},
      {"medications", list_of([] {
         return object_of({{"code", word_value<medication_code>()},
                           {"route", word_value<route>()},
                           {"start", date_value()},
                           {"stop", date_value()},
                           {"sites", areas_value()},
                           {"source", text_value()}});
       })},
      {"allergies", list_of([] {
         return object_of({{"substance", word_value<allergy_substance>()},
                           {"reaction", text_value()},
                           {"severity", word_value<allergy_severity>()},
                           {"source", text_value()}});
       })},
      {"devices", list_of([] {
         return object_of({{"code", word_value<device_code>()},
                           {"sites", areas_value()},
                           {"source", text_value()}});
       })},
      {"procedures", list_of([] {
         return object_of({{"code", word_value<procedure_code>()},
                           {"date", date_value()},
                           {"areas", areas_value()},
                           {"depth", word_value<peel_depth>()},
                           {"source", text_value()}});
       })},
      {"labs", list_of([] {
         return object_of(
             {{"code", word_value<lab_code>()},
              {"value", number_value()},
              {"date", date_value()},
              {"unit", mostly(pick({"\"%\"", "\"mmol/mol\"", "null"}), {"\"mg\"", "5"})},
              {"source", text_value()}});
       })},
      {"negatives", list_of([] {
         return mostly(pick({"\"keloid\"", "\"anticoagulant\"", "\"isotretinoin\"", "\"smoker\""}),
                       {"\"maybe\"", "null"});
       })},
  };
  return object_of(std::move(root));
}

std::string random_plan() {
  std::vector<member> root = {
      {"schema", *rc::gen::inRange(0, 20) == 0 ? "\"mnscreen.intake/1\"" : "\"mnscreen.plan/1\""},
      {"date", date_value()},
      {"device", word_value<device_type>()},
      {"needle_depth_mm", number_value()},
      {"areas", areas_value()},
      {"anesthetic", word_value<anesthetic>()},
      {"setting", word_value<setting>()},
      {"needle_material", word_value<needle_material>()},
      {"single_use_needles", known_value()},
      {"adjuncts", list_of([] { return word_value<adjunct>(); })},
      {"overrides", list_of([] {
         return object_of(
             {{"rule_id", mostly(pick({"\"keloid_history\"", "\"isotretinoin_recent\""}),
                                 {"\"no_such_rule\"", "null", "3"})},
              {"reason", word_value<override_reason>()},
              {"by", text_value()},
              {"note", text_value()},
              {"date", date_value()}});
       })},
  };
  return object_of(std::move(root));
}

}  // namespace

TEST_CASE("property: parse_intake and parse_plan read every document as the tree reader does",
          "[property][stream]") {
  rc::prop("intake", [] {
    clean = *rc::gen::arbitrary<bool>();
    const std::string text = random_intake();
    RC_LOG() << text << '\n';
    const auto streamed = parse_intake(text);
    const auto tree = io::read_intake_tree(text, {});
    RC_LOG() << "streamed:\n" << dump(streamed.diagnostics) << "tree:\n" << dump(tree.diagnostics);
    RC_CLASSIFY(streams_intake(text), "read in one pass");
    RC_ASSERT(streamed.diagnostics == tree.diagnostics);
    RC_ASSERT(streamed.value == tree.value);
  });
  rc::prop("plan", [] {
    clean = *rc::gen::arbitrary<bool>();
    const std::string text = random_plan();
    RC_LOG() << text << '\n';
    const auto streamed = parse_plan(text);
    const auto tree = io::read_plan_tree(text, {});
    RC_LOG() << "streamed:\n" << dump(streamed.diagnostics) << "tree:\n" << dump(tree.diagnostics);
    RC_CLASSIFY(streams_plan(text), "read in one pass");
    RC_ASSERT(streamed.diagnostics == tree.diagnostics);
    RC_ASSERT(streamed.value == tree.value);
  });
}

namespace {

// What may follow a document embedded in a larger text (a batch line's member).
std::string random_suffix() {
  return pick({"", " ", "\t\r\n ", "}", ",\"plan\":{}}", " , \"x\":1}", "garbage", "\"", "{", "]",
               "  }  "});
}

// parse_leading_* of `text` followed by other text must read, when it reads, exactly what
// parse_* reads from the document's text alone, and must read every document the streaming
// reader reads alone.
template <class T, class ParseLeading, class Parse, class Streams>
void check_leading(const std::string& text, ParseLeading parse_leading, Parse parse,
                   Streams streams) {
  const std::string line = text + random_suffix();
  const bool schema_optional = *rc::gen::arbitrary<bool>();
  RC_LOG() << line << (schema_optional ? " (schema optional)" : "") << '\n';
  parse_result<T> leading;
  const std::size_t size = parse_leading(line, read_limits{}, leading, schema_optional);
  RC_CLASSIFY(size > 0, "read in one pass");
  if (size > 0) {
    const std::string_view doc = std::string_view(line).substr(0, size);
    RC_ASSERT(doc.back() == '}');
    auto alone = parse(doc, read_limits{});
    // A schema left out: the tree reader's missing_field is its only diagnostic of its own.
    const auto schema_missing = [](const diagnostic& d) {
      return d.code == "missing_field" && d.path == "$.schema";
    };
    const auto dropped = std::erase_if(alone.diagnostics, schema_missing);
    RC_ASSERT(streams(doc) == (dropped == 0));
    RC_ASSERT(dropped == 0 || schema_optional);
    RC_ASSERT(leading.value == alone.value);
    RC_ASSERT(leading.diagnostics == alone.diagnostics);
  }
  if (streams(text)) RC_ASSERT(size == text.size());
}

}  // namespace

TEST_CASE("property: a document at the start of a longer text reads as the document alone",
          "[property][stream]") {
  rc::prop("intake", [] {
    clean = *rc::gen::arbitrary<bool>();
    check_leading<intake>(
        random_intake(), io::parse_leading_intake,
        [](std::string_view t, const read_limits& l) { return parse_intake(t, l); },
        [](std::string_view t) { return streams_intake(t); });
  });
  rc::prop("plan", [] {
    clean = *rc::gen::arbitrary<bool>();
    check_leading<procedure_plan>(
        random_plan(), io::parse_leading_plan,
        [](std::string_view t, const read_limits& l) { return parse_plan(t, l); },
        [](std::string_view t) { return streams_plan(t); });
  });
}

TEST_CASE("streaming reader: a leading document is measured from its first to its last byte",
          "[io][stream]") {
  const std::string text = read_file("intake-healthy.json");
  const std::string doc(text.substr(0, text.find_last_of('}') + 1));
  intake in;
  CHECK(io::stream_leading_intake(doc + "  ,\"plan\":{}}", {}, in) == doc.size());
  CHECK(in == parse_intake(doc).value);
  intake cut;
  CHECK(io::stream_leading_intake(doc.substr(0, doc.size() - 1), {}, cut) == 0);  // truncated
  intake unknown;
  CHECK(io::stream_leading_intake(R"({"schema":"mnscreen.intake/1","x":1} )", {}, unknown) == 0);
  read_limits small;
  small.max_bytes = doc.size() - 1;  // as parse_intake, a document over the limit is handed on
  intake big;
  CHECK(io::stream_leading_intake(doc + "}", small, big) == 0);
  const std::string plan = read_file("plan-cheeks-pen.json");
  const std::string plan_doc(plan.substr(0, plan.find_last_of('}') + 1));
  parse_result<procedure_plan> p;
  CHECK(io::parse_leading_plan(plan_doc + "}", {}, p) == plan_doc.size());
  const auto alone = parse_plan(plan_doc);
  CHECK(p.value == alone.value);
  CHECK(p.diagnostics == alone.diagnostics);
}
