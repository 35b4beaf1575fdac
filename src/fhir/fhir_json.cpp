// SPDX-License-Identifier: Apache-2.0
// The FHIR reader's result as a JSON document (`mnscreen.fhir-intake/1`), for
// `mnscreen fhir-to-intake` and for clinic software that wants to show what was understood.
#include <boost/json.hpp>

#include "io/json_common.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/json.hpp"

namespace mnscreen {

std::string to_json(const parse_result<fhir_intake>& fhir) {
  namespace json = boost::json;
  json::object doc;
  doc["schema"] = "mnscreen.fhir-intake/1";
  // The intake exactly as the intake writer gives it (one source of truth for its format).
  doc["intake"] = json::parse(to_json(fhir.value.record));
  json::array mappings;
  for (const auto& m : fhir.value.mappings) {
    json::object o;
    o["source"] = m.source;
    o["target"] = m.target;
    o["word"] = m.word;
    if (!m.system.empty()) o["system"] = m.system;
    if (!m.code.empty()) o["code"] = m.code;
    if (!m.display.empty()) o["display"] = m.display;
    o["match"] = to_string(m.match);
    if (!m.note.empty()) o["note"] = m.note;
    mappings.push_back(std::move(o));
  }
  doc["mappings"] = std::move(mappings);
  json::array questions;
  for (const auto& q : fhir.value.questions) {
    json::object o;
    o["source"] = q.source;
    if (q.factor) o["factor"] = to_string(*q.factor);
    o["word"] = q.word;
    o["ask"] = q.ask;
    questions.push_back(std::move(o));
  }
  doc["questions"] = std::move(questions);
  json::object read;
  for (const auto& [type, n] : fhir.value.resources_read) read[type] = n;
  doc["resources_read"] = std::move(read);
  json::object ignored;
  for (const auto& [type, n] : fhir.value.resources_ignored) ignored[type] = n;
  doc["resources_ignored"] = std::move(ignored);
  doc["diagnostics"] = io::diagnostics_array(fhir.diagnostics);
  return json::serialize(doc);
}

}  // namespace mnscreen
