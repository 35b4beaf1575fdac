// SPDX-License-Identifier: Apache-2.0
// The service catalogue of the CDS Hooks part: hooks, service ids, prefetch templates and the
// discovery document.
#include <array>
#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "mnscreen/cds_hooks.hpp"

namespace mnscreen::cds {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 4> hook_names = {"patient-view", "order-select",
                                                        "order-sign", "appointment-book"};

constexpr std::array<service_info, 4> service_table = {{
    {"mnscreen-patient-view", hook::patient_view, "Microneedling screen (chart)",
     "Screens the patient's chart against the clinic's default microneedling plan: "
     "contraindications with the earliest safe date, and the questions to ask when the record "
     "is incomplete."},
    {"mnscreen-order-select", hook::order_select, "Microneedling screen (order selected)",
     "Screens a selected microneedling order (areas, date, device, depth, anaesthetic) against "
     "the patient's record."},
    {"mnscreen-order-sign", hook::order_sign, "Microneedling screen (order signed)",
     "Screens a microneedling order before signing; suggests the earliest safe date, dropping "
     "an excluded area or no topical anaesthetic where the screen calls for it."},
    {"mnscreen-appointment-book", hook::appointment_book, "Microneedling screen (booking)",
     "Screens a microneedling appointment being booked and gives the earliest safe date."},
}};

constexpr std::array<prefetch_template, 8> template_table = {{
    {"patient", "Patient/{{context.patientId}}", "Patient"},
    {"conditions", "Condition?patient={{context.patientId}}", "Condition"},
    {"medicationRequests", "MedicationRequest?patient={{context.patientId}}", "MedicationRequest"},
    {"medicationStatements", "MedicationStatement?patient={{context.patientId}}",
     "MedicationStatement"},
    {"allergies", "AllergyIntolerance?patient={{context.patientId}}", "AllergyIntolerance"},
    {"observations", "Observation?patient={{context.patientId}}", "Observation"},
    {"procedures", "Procedure?patient={{context.patientId}}", "Procedure"},
    {"devices", "Device?patient={{context.patientId}}", "Device"},
}};

}  // namespace

std::string_view to_string(hook h) noexcept {
  const auto i = static_cast<std::size_t>(h);
  return i < hook_names.size() ? hook_names[i] : std::string_view("unknown");
}

std::optional<hook> parse_hook(std::string_view name) noexcept {
  for (std::size_t i = 0; i < hook_names.size(); ++i)
    if (hook_names[i] == name) return static_cast<hook>(i);
  return std::nullopt;
}

std::span<const service_info> services() noexcept { return service_table; }

const service_info* find_service(std::string_view id) noexcept {
  for (const auto& s : service_table)
    if (s.id == id) return &s;
  return nullptr;
}

std::span<const prefetch_template> prefetch_templates() noexcept { return template_table; }

std::string_view to_string(prefetch_state s) noexcept {
  switch (s) {
    case prefetch_state::absent:
      return "absent";
    case prefetch_state::no_data:
      return "no_data";
    case prefetch_state::data:
      return "data";
    case prefetch_state::failed:
      return "failed";
  }
  return "unknown";
}

std::string_view to_string(feedback_outcome o) noexcept {
  return o == feedback_outcome::accepted ? "accepted" : "overridden";
}

std::string discovery_json() {
  json::array list;
  for (const auto& s : service_table) {
    json::object svc;
    svc["hook"] = to_string(s.hook);
    svc["title"] = s.title;
    svc["description"] = s.description;
    svc["id"] = s.id;
    json::object prefetch;
    for (const auto& t : template_table) prefetch[t.key] = t.query;
    svc["prefetch"] = std::move(prefetch);
    svc["usageRequirements"] =
        "Send the prefetch keys when you can; keys you leave out are fetched from fhirServer "
        "with fhirAuthorization. A key you could not fetch should carry the OperationOutcome.";
    list.push_back(std::move(svc));
  }
  json::object doc;
  doc["services"] = std::move(list);
  return json::serialize(doc);
}

}  // namespace mnscreen::cds
