// SPDX-License-Identifier: Apache-2.0
// What the record accessors of `facts` note when a trace is attached (explain): each fact with
// its value in words and where it is in the record. Only explain attaches a trace.
#include <string>
#include <string_view>
#include <vector>

#include "facts.hpp"
#include "facts_trace.hpp"
#include "text.hpp"

namespace mnscreen::detail {
namespace {

template <class T>
std::string where(const T* item, const std::vector<T>& list, std::string_view name) {
  if (item == nullptr) return {};
  if (!item->source.empty()) return item->source;
  return text::cat(name, '[', text::integer(item - list.data()), ']');
}

// "12 days before the plan", "3 days after the plan".
void append_days_before(std::string& out, date d, date plan) {
  const long n = days_between(d, plan);
  if (n >= 0)
    text::append(out, text::integer(n), " days before the plan");
  else
    text::append(out, text::integer(-n), " days after the plan");
}

// " on the cheeks, chin and forehead" (the record's order), nothing for no sites.
void append_sites(std::string& out, const std::vector<area>& sites) {
  if (sites.empty()) return;
  out += " on the ";
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (i > 0) out += i + 1 == sites.size() ? " and " : ", ";
    out += to_string(sites[i]);
  }
}

std::string none_found(bool denied) { return denied ? "none recorded; denied" : "none recorded"; }

}  // namespace

void facts::note(condition_code c, const condition* found) const noexcept {
  try {
    std::string name = text::cat("condition ", to_string(c));
    if (!found) {
      trace_->add(std::move(name), none_found(denied(c)), {});
      return;
    }
    std::string value = text::cat(to_string(c), ' ', to_string(found->status));
    if (found->severity) text::append(value, " (", to_string(*found->severity), ')');
    append_sites(value, found->sites);
    if (found->onset) text::append(value, ", onset ", text::iso_date(*found->onset));
    trace_->add(std::move(name), std::move(value), where(found, in_.conditions, "conditions"));
  } catch (...) {  // a trace that cannot grow loses a line, never the screen
  }
}

void facts::note(medication_class c, const medication* found, bool stopped) const noexcept {
  try {
    std::string name =
        text::cat(to_string(c), stopped ? " medication (stopped)" : " medication (current)");
    if (!found) {
      trace_->add(std::move(name), none_found(denied(c)), {});
      return;
    }
    std::string value(to_string(found->code));
    if (found->route) text::append(value, ' ', to_string(*found->route));
    if (found->start) text::append(value, ", started ", text::iso_date(*found->start));
    if (found->stop) {
      text::append(value, " stopped ", text::iso_date(*found->stop), ", ");
      append_days_before(value, *found->stop, today());
    } else {
      value += ", still taken";
    }
    append_sites(value, found->sites);
    trace_->add(std::move(name), std::move(value), where(found, in_.medications, "medications"));
  } catch (...) {
  }
}

void facts::note(allergy_class c, const allergy* found) const noexcept {
  try {
    std::string name = text::cat("allergy ", to_string(c));
    if (!found) {
      trace_->add(std::move(name), none_found(denied(c)), {});
      return;
    }
    std::string value(to_string(found->substance));
    if (found->severity) text::append(value, " (", to_string(*found->severity), ')');
    trace_->add(std::move(name), std::move(value), where(found, in_.allergies, "allergies"));
  } catch (...) {
  }
}

void facts::note(device_code c, const implanted_device* found) const noexcept {
  try {
    std::string name = text::cat("device ", to_string(c));
    if (!found) {
      trace_->add(std::move(name), none_found(denied(c)), {});
      return;
    }
    std::string value(to_string(c));
    append_sites(value, found->sites);
    trace_->add(std::move(name), std::move(value), where(found, in_.devices, "devices"));
  } catch (...) {
  }
}

void facts::note(lab_code c, const lab_result* found) const noexcept {
  try {
    std::string name = text::cat("lab ", to_string(c));
    if (!found) {
      trace_->add(std::move(name), "no result on or before the plan date", {});
      return;
    }
    std::string value = text::cat(to_string(c), ' ', text::decimal(found->value), " on ",
                                  text::iso_date(found->date), ", ");
    append_days_before(value, found->date, today());
    trace_->add(std::move(name), std::move(value), where(found, in_.labs, "labs"));
  } catch (...) {
  }
}

void facts::note(procedure_code c, const prior_procedure* found) const noexcept {
  try {
    std::string name = text::cat("procedure ", to_string(c));
    if (!found) {
      trace_->add(std::move(name), "none on a planned area on or before the plan date", {});
      return;
    }
    std::string value = text::cat(to_string(c), " on ", text::iso_date(found->date), ", ");
    append_days_before(value, found->date, today());
    if (found->depth) text::append(value, " (", to_string(*found->depth), ')');
    append_sites(value, found->areas);
    trace_->add(std::move(name), std::move(value), where(found, in_.procedures, "procedures"));
  } catch (...) {
  }
}

void facts::note_patient(patient_fact what) const noexcept {
  try {
    const auto& p = in_.patient;
    const auto word = [](known k) {
      return std::string(k == known::yes ? "yes" : k == known::no ? "no" : "unknown");
    };
    switch (what) {
      case patient_fact::age:
        trace_->add("age",
                    p.birth_date ? text::cat(text::integer(age_in_years(*p.birth_date, plan_.date)),
                                             " years (born ", text::iso_date(*p.birth_date), ')')
                                 : std::string("unknown"),
                    p.birth_date ? "patient.birth_date" : "");
        break;
      case patient_fact::pregnant:
        trace_->add("pregnant", word(p.pregnant),
                    p.pregnant != known::unknown ? "patient.pregnant" : "");
        break;
      case patient_fact::breastfeeding:
        trace_->add("breastfeeding", word(p.breastfeeding),
                    p.breastfeeding != known::unknown ? "patient.breastfeeding" : "");
        break;
      case patient_fact::smoker:
        trace_->add("smoker", word(p.smoker), p.smoker != known::unknown ? "patient.smoker" : "");
        break;
      case patient_fact::fitzpatrick:
        trace_->add(
            "Fitzpatrick type",
            p.fitzpatrick ? text::cat(text::integer(*p.fitzpatrick)) : std::string("unknown"),
            p.fitzpatrick ? "patient.fitzpatrick" : "");
        break;
    }
  } catch (...) {
  }
}

void facts::note_plan(plan_field what) const noexcept {
  try {
    const auto word = [](known k) {
      return std::string(k == known::yes ? "yes" : k == known::no ? "no" : "unknown");
    };
    switch (what) {
      case plan_field::device:
        trace_->add("plan device", std::string(to_string(plan_.device)), "plan.device");
        break;
      case plan_field::setting:
        trace_->add("plan setting", std::string(to_string(plan_.setting)), "plan.setting");
        break;
      case plan_field::areas: {
        std::string value;
        for (std::size_t i = 0; i < plan_.areas.size(); ++i)
          text::append(value, i > 0 ? ", " : "", to_string(plan_.areas[i]));
        trace_->add("plan areas", std::move(value), "plan.areas");
        break;
      }
      case plan_field::needle_depth:
        trace_->add("plan needle depth",
                    text::cat(text::decimal(plan_.needle_depth.value()), " mm"),
                    "plan.needle_depth_mm");
        break;
      case plan_field::anesthetic:
        trace_->add("plan anaesthetic", std::string(to_string(plan_.anesthetic)),
                    "plan.anesthetic");
        break;
      case plan_field::adjuncts: {
        std::string value;
        for (std::size_t i = 0; i < plan_.adjuncts.size(); ++i)
          text::append(value, i > 0 ? ", " : "", to_string(plan_.adjuncts[i]));
        trace_->add("plan adjuncts", value.empty() ? std::string("none") : std::move(value),
                    "plan.adjuncts");
        break;
      }
      case plan_field::single_use_needles:
        trace_->add("plan single-use needles", word(plan_.single_use_needles),
                    "plan.single_use_needles");
        break;
      case plan_field::needle_material:
        trace_->add("plan needle material", std::string(to_string(plan_.needle_material)),
                    "plan.needle_material");
        break;
    }
  } catch (...) {
  }
}

// Every item of `items` with code `c`, or that there is none.
template <class Code, class Item>
void facts::note_all_of(Code c, const std::vector<Item>& items) const noexcept {
  bool any = false;
  for (const auto& x : items)
    if (x.code == c) {
      note(c, &x);
      any = true;
    }
  if (!any) note(c, static_cast<const Item*>(nullptr));
}

void facts::note_all(condition_code c) const noexcept { note_all_of(c, in_.conditions); }

void facts::note_all(device_code c) const noexcept { note_all_of(c, in_.devices); }

void facts::note_all(allergy_class c) const noexcept {
  bool any = false;
  for (const auto& x : in_.allergies)
    if (classes_of(x.substance).contains(c)) {
      note(c, &x);
      any = true;
    }
  if (!any) note(c, nullptr);
}

void facts::note_all(medication_class c) const noexcept {
  bool any = false;
  for (std::size_t i = 0; i < in_.medications.size(); ++i)
    if (classes_of_med(i).contains(c)) {
      note(c, &in_.medications[i], !med_is_current(i));
      any = true;
    }
  if (!any) note(c, nullptr, false);
}

}  // namespace mnscreen::detail
