// SPDX-License-Identifier: Apache-2.0
// Writers of the formats.md documents. Field order is the documented order; a value that is not
// known (absent optional, `known::unknown`, empty list) is left out of intakes and plans, so that
// reading the text back gives the same value.
#include <algorithm>
#include <string>
#include <utility>
#include <variant>

#include "io/bounded.hpp"
#include "io/json_common.hpp"
#include "io/json_write.hpp"
#include "mnscreen/explain.hpp"
#include "mnscreen/json.hpp"
#include "utf8.hpp"

namespace mnscreen {

namespace detail {

static_assert(max_report_string == read_limits{}.max_string_length);
static_assert(max_report_string == io::max_written_string);

std::string cut_with_marker(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return std::string(s);
  const std::string marker = io::cut_marker(s.size());
  std::string out(utf8_prefix(s, limit > marker.size() ? limit - marker.size() : 0));
  out += marker;
  return out;
}

namespace {

// Calls f on every string of `r`; with a non-const `r`, f may change them.
template <class Report, class F>
void for_each_string(Report& r, F f) {
  f(r.knowledge_version);
  f(r.library_version);
  f(r.policy_name);
  for (auto& [name, value] : r.policy_overrides) {
    f(name);
    if (auto* s = std::get_if<std::string>(&value)) f(*s);
  }
  f(r.model);
  for (auto& q : r.questions) f(q.ask);
  for (auto& fl : r.flags) {
    f(fl.rule_id);
    f(fl.reason);
    f(fl.action);
    for (auto& e : fl.evidence) f(e.source);
    if (fl.override_record) {
      f(fl.override_record->rule_id);
      f(fl.override_record->by);
      f(fl.override_record->note);
    }
  }
  for (auto& s : r.risks)
    for (auto& d : s.drivers) f(d.factor);
  for (auto& s : r.prep) f(s);
  for (auto& s : r.aftercare) f(s);
  for (auto& d : r.warnings) {
    f(d.code);
    f(d.path);
    f(d.message);
  }
}

}  // namespace

bool has_long_strings(const report& r) noexcept {
  bool found = false;
  for_each_string(r, [&](const std::string& s) { found = found || s.size() > max_report_string; });
  return found;
}

void cut_long_strings(report& r) {
  for_each_string(r, [](std::string& s) {
    if (s.size() > max_report_string) s = cut_with_marker(s);
  });
}

}  // namespace detail

namespace {

using io::writer;

void write_date(writer& w, std::string_view key, const date& d) {
  w.plain_key(key);
  w.date_value(d);
}

void write_date(writer& w, std::string_view key, const std::optional<date>& d) {
  if (d) write_date(w, key, *d);
}

template <class E>
void write_code(writer& w, std::string_view key, const std::optional<E>& e) {
  if (e) {
    w.plain_key(key);
    w.plain_string(to_string(*e));
  }
}

void write_known(writer& w, std::string_view key, known k) {
  if (k == known::unknown) return;
  w.plain_key(key);
  w.boolean(k == known::yes);
}

void write_text(writer& w, std::string_view key, const std::string& s) {
  if (!s.empty()) {
    w.plain_key(key);
    w.string(s);
  }
}

// The members of an override after its rule id (absent members omitted).
void write_override_members(writer& w, const rule_override& o) {
  w.member_plain("reason", to_string(o.reason));
  write_text(w, "by", o.by);
  write_text(w, "note", o.note);
  write_date(w, "date", o.date);
}

template <class E>
void write_codes(writer& w, std::string_view key, const std::vector<E>& codes, bool always) {
  if (codes.empty() && !always) return;
  w.plain_key(key);
  w.begin_array();
  for (E e : codes) w.plain_string(to_string(e));
  w.end_array();
}

void write_strings(writer& w, std::string_view key, const std::vector<std::string>& items) {
  w.plain_key(key);
  w.begin_array();
  for (const auto& s : items) w.string(s);
  w.end_array();
}

void write_setting_value(writer& w, const setting_value& v) {
  if (const auto* b = std::get_if<bool>(&v)) {
    w.boolean(*b);
  } else if (const auto* d = std::get_if<double>(&v)) {
    w.number(*d);
  } else {
    w.string(std::get<std::string>(v));
  }
}

// Writes settings as JSON members; dotted names (`laser_wait_days.ipl`) become nested objects.
// Members of a group are gathered under the group's first appearance.
void write_settings(writer& w, const std::vector<std::pair<std::string, setting_value>>& items) {
  struct entry {
    std::string key;
    std::vector<std::pair<std::string, const setting_value*>> members;  // empty name = plain
  };
  std::vector<entry> entries;
  for (const auto& [name, value] : items) {
    const auto dot = name.find('.');
    if (dot == std::string::npos) {
      entries.push_back({name, {{std::string{}, &value}}});
      continue;
    }
    const std::string group = name.substr(0, dot);
    entry* target = nullptr;
    for (auto& e : entries)
      if (e.key == group && !e.members.empty() && !e.members.front().first.empty()) target = &e;
    if (!target) target = &entries.emplace_back(entry{group, {}});
    target->members.emplace_back(name.substr(dot + 1), &value);
  }
  for (const auto& e : entries) {
    w.key(e.key);
    if (e.members.size() == 1 && e.members.front().first.empty()) {
      write_setting_value(w, *e.members.front().second);
      continue;
    }
    w.begin_object();
    for (const auto& [member, value] : e.members) {
      w.key(member);
      write_setting_value(w, *value);
    }
    w.end_object();
  }
}

void write_patient(writer& w, const patient_info& p) {
  if (p == patient_info{}) return;
  w.key("patient");
  w.begin_object();
  write_text(w, "id", p.id);
  write_date(w, "birth_date", p.birth_date);
  write_code(w, "sex", p.sex);
  if (p.fitzpatrick) {
    w.key("fitzpatrick");
    w.integer(*p.fitzpatrick);
  }
  write_known(w, "pregnant", p.pregnant);
  write_known(w, "breastfeeding", p.breastfeeding);
  write_known(w, "smoker", p.smoker);
  w.end_object();
}

// Writes a list of items with `write_item` unless it is empty.
template <class T, class F>
void write_items(writer& w, std::string_view key, const std::vector<T>& items, F write_item) {
  if (items.empty()) return;
  w.plain_key(key);
  w.begin_array();
  for (const T& item : items) {
    w.begin_object();
    write_item(w, item);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string to_json(const intake& in) {
  writer w(2048);
  w.begin_object();
  w.member("schema", "mnscreen.intake/1");
  write_patient(w, in.patient);
  write_items(w, "conditions", in.conditions, [](writer& o, const condition& c) {
    o.member_plain("code", to_string(c.code));
    o.member_plain("status", to_string(c.status));
    write_code(o, "severity", c.severity);
    write_date(o, "onset", c.onset);
    write_codes(o, "sites", c.sites, false);
    write_text(o, "source", c.source);
  });
  write_items(w, "medications", in.medications, [](writer& o, const medication& m) {
    o.member_plain("code", to_string(m.code));
    write_code(o, "route", m.route);
    write_date(o, "start", m.start);
    write_date(o, "stop", m.stop);
    write_codes(o, "sites", m.sites, false);
    write_text(o, "source", m.source);
  });
  write_items(w, "allergies", in.allergies, [](writer& o, const allergy& a) {
    o.member_plain("substance", to_string(a.substance));
    write_text(o, "reaction", a.reaction);
    write_code(o, "severity", a.severity);
    write_text(o, "source", a.source);
  });
  write_items(w, "devices", in.devices, [](writer& o, const implanted_device& d) {
    o.member_plain("code", to_string(d.code));
    write_codes(o, "sites", d.sites, false);
    write_text(o, "source", d.source);
  });
  write_items(w, "procedures", in.procedures, [](writer& o, const prior_procedure& p) {
    o.member_plain("code", to_string(p.code));
    write_date(o, "date", p.date);
    write_codes(o, "areas", p.areas, false);
    write_code(o, "depth", p.depth);
    write_text(o, "source", p.source);
  });
  write_items(w, "labs", in.labs, [](writer& o, const lab_result& l) {
    o.member_plain("code", to_string(l.code));
    o.key("value");
    o.number(l.value);
    o.member("unit", io::canonical_unit(l.code));
    write_date(o, "date", l.date);
    write_text(o, "source", l.source);
  });
  if (!in.negatives.empty()) {
    w.key("negatives");
    w.begin_array();
    for (const auto& n : in.negatives) w.plain_string(to_string(n));
    w.end_array();
  }
  w.end_object();
  return std::move(w).take();
}

std::string to_json(const procedure_plan& plan) {
  writer w(512);
  w.begin_object();
  w.member("schema", "mnscreen.plan/1");
  write_date(w, "date", plan.date);
  w.member_plain("device", to_string(plan.device));
  w.key("needle_depth_mm");
  w.number(plan.needle_depth.value());
  write_codes(w, "areas", plan.areas, true);
  w.member_plain("anesthetic", to_string(plan.anesthetic));
  w.member_plain("setting", to_string(plan.setting));
  w.member_plain("needle_material", to_string(plan.needle_material));
  write_known(w, "single_use_needles", plan.single_use_needles);
  write_codes(w, "adjuncts", plan.adjuncts, false);
  if (!plan.overrides.empty()) {
    w.key("overrides");
    w.begin_array();
    for (const auto& o : plan.overrides) {
      w.begin_object();
      w.member("rule_id", o.rule_id);
      write_override_members(w, o);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return std::move(w).take();
}

std::string to_json(const policy& pol) {
  std::vector<std::pair<std::string, setting_value>> settings;
  for (const auto& info : policy_settings())
    if (auto v = get_setting(pol, info.name)) settings.emplace_back(std::string(info.name), *v);
  writer w(4096);
  w.begin_object();
  w.member("schema", "mnscreen.policy/1");
  w.member("name", pol.name);
  write_settings(w, settings);
  w.end_object();
  return std::move(w).take();
}

namespace {

void write_flag(writer& w, const flag& f) {
  w.begin_object();
  w.member("rule_id", f.rule_id);
  w.member_plain("effect", to_string(f.effect));
  write_codes(w, "complications", f.complications, true);
  write_codes(w, "areas", f.areas, true);
  w.member("reason", f.reason);
  w.member("action", f.action);
  w.key("earliest_safe_date");
  if (f.earliest_safe_date) {
    w.date_value(*f.earliest_safe_date);
  } else {
    w.null();
  }
  w.key("evidence");
  w.begin_array();
  for (const auto& e : f.evidence) {
    w.begin_object();
    w.member("source", e.source);
    w.member_plain("level", to_string(e.level));
    w.end_object();
  }
  w.end_array();
  if (f.override_record) {
    w.key("override");
    w.begin_object();
    write_override_members(w, *f.override_record);
    w.end_object();
  }
  w.end_object();
}

void write_warnings(writer& w, const std::vector<diagnostic>& warnings) {
  w.key("warnings");
  w.begin_array();
  for (const auto& d : warnings) {
    w.begin_object();
    w.member_plain("severity", to_string(d.severity));
    w.member("code", d.code);
    w.member("path", d.path);
    w.member("message", d.message);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string to_json(const explanation& e) {
  writer w(16384);
  w.begin_object();
  w.member("schema", "mnscreen.explain/1");
  w.member("knowledge_version", e.knowledge_version);
  w.member("policy", e.policy_name);
  write_date(w, "screened_on", e.screened_on);
  w.member_plain("decision", to_string(e.decision));
  if (e.decision_before_overrides)
    w.member_plain("decision_before_overrides", to_string(*e.decision_before_overrides));
  w.key("rules");
  w.begin_array();
  for (const auto& r : e.rules) {
    w.begin_object();
    w.member("rule_id", r.rule_id);
    w.member_plain("status", to_string(r.status));
    w.member("sentence", r.sentence);
    w.key("facts");
    w.begin_array();
    for (const auto& x : r.facts) {
      w.begin_object();
      w.member("name", x.name);
      w.member("value", x.value);
      w.member("source", x.source);
      w.end_object();
    }
    w.end_array();
    std::vector<std::pair<std::string, setting_value>> settings;
    settings.reserve(r.settings.size());
    for (const auto& x : r.settings) settings.emplace_back(x.name, x.value);
    w.key("settings");
    w.begin_object();
    write_settings(w, settings);
    w.end_object();
    write_codes(w, "unknowns", r.unknowns, true);
    if (r.flag) {
      w.key("flag");
      write_flag(w, *r.flag);
    }
    w.end_object();
  }
  w.end_array();
  write_warnings(w, e.warnings);
  w.end_object();
  return std::move(w).take();
}

namespace io {

void write_report(writer& w, const report& rep) {
  w.begin_object();
  w.member("schema", "mnscreen.report/1");
  w.member("knowledge_version", rep.knowledge_version);
  w.member("library_version", rep.library_version);
  w.key("policy");
  w.begin_object();
  w.member("name", rep.policy_name);
  w.key("overrides");
  w.begin_object();
  write_settings(w, rep.policy_overrides);
  w.end_object();
  w.end_object();
  w.member("model", rep.model);
  write_date(w, "screened_on", rep.screened_on);
  w.member_plain("decision", to_string(rep.decision));
  if (rep.decision_before_overrides)
    w.member_plain("decision_before_overrides", to_string(*rep.decision_before_overrides));
  w.key("defer_until");
  if (rep.defer_until) {
    w.date_value(*rep.defer_until);
  } else {
    w.null();
  }
  w.key("complete");
  w.boolean(rep.complete);
  w.key("questions");
  w.begin_array();
  for (const auto& q : rep.questions) {
    w.begin_object();
    w.member_plain("factor", to_string(q.factor));
    w.member("ask", q.ask);
    if (q.if_yes) w.member_plain("if_yes", to_string(*q.if_yes));
    w.end_object();
  }
  w.end_array();
  w.key("flags");
  w.begin_array();
  for (const auto& f : rep.flags) write_flag(w, f);
  w.end_array();
  // An object keyed by complication, in complication order whatever the vector's order.
  const auto by_complication = [](const risk_score* a, const risk_score* b) {
    return a->complication < b->complication;
  };
  std::vector<const risk_score*> sorted;  // only when the vector is out of order
  if (!std::is_sorted(
          rep.risks.begin(), rep.risks.end(),
          [&](const risk_score& a, const risk_score& b) { return by_complication(&a, &b); })) {
    for (const auto& r : rep.risks) sorted.push_back(&r);
    std::stable_sort(sorted.begin(), sorted.end(), by_complication);
  }
  w.key("risks");
  w.begin_object();
  for (std::size_t i = 0; i < rep.risks.size(); ++i) {
    const risk_score* r = sorted.empty() ? &rep.risks[i] : sorted[i];
    w.plain_key(to_string(r->complication));
    w.begin_object();
    w.key("score");
    w.number(r->score);
    // formats.md order: score, reference, relative (spec 2026.2), band, drivers.
    w.key("reference");
    w.number(r->reference);
    w.key("relative");
    w.number(r->relative);
    w.member_plain("band", to_string(r->band));
    w.key("drivers");
    w.begin_array();
    for (const auto& d : r->drivers) {
      w.begin_object();
      w.member("factor", d.factor);
      w.key("weight");
      w.number(d.weight);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_object();
  write_strings(w, "prep", rep.prep);
  write_strings(w, "aftercare", rep.aftercare);
  write_warnings(w, rep.warnings);
  w.end_object();
}

}  // namespace io

std::string to_json(const report& rep) {
  writer w(io::report_text_room);
  io::write_report(w, rep);
  return std::move(w).take();
}

}  // namespace mnscreen
