// SPDX-License-Identifier: Apache-2.0
// The CDS Hooks response writer: a report as cards (docs/cds-hooks.md, "Cards"). One card for
// the flags (indicator from the most serious flag), one info card for the questions of an
// incomplete screen, an info card when no screen could be made; no card for a complete
// proceed. Markdown details escape every text that can carry record content.
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cds/common.hpp"
#include "io/json_common.hpp"
#include "mnscreen/cds_hooks.hpp"
#include "mnscreen/version.hpp"
#include "utf8.hpp"

namespace mnscreen::cds {

using mnscreen::to_string;

namespace {

namespace json = boost::json;
using detail::ext_anesthetic;
using detail::member;
using detail::string_member;

constexpr std::string_view card_kind_system = "urn:mnscreen:cds:card-kind";
constexpr std::size_t max_summary_bytes = 139;

const std::array<coding, 5> override_table = {{
    {std::string(override_reason_system), "prescriber_approved",
     "Prescriber approved despite this finding"},
    {std::string(override_reason_system), "informed_consent",
     "Patient informed of the risk and consents"},
    {std::string(override_reason_system), "information_incorrect",
     "The record information is incorrect"},
    {std::string(override_reason_system), "not_applicable",
     "Does not apply to this patient or plan"},
    {std::string(override_reason_system), "other", "Other reason (see comment)"},
}};

// What md() does with a byte: write it as it is (plain), escape it (ASCII punctuation), or drop it
// or write a space (control characters). One table lookup per byte of the text, not eight
// comparisons.
enum class md_byte : unsigned char { plain, control, punctuation };
constexpr std::array<md_byte, 256> md_bytes = [] {
  std::array<md_byte, 256> t{};
  for (unsigned c = 0; c < 256; ++c) {
    const bool control = c < 0x20 || c == 0x7f;
    const bool punctuation = (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) ||
                             (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
    t[c] = control ? md_byte::control : punctuation ? md_byte::punctuation : md_byte::plain;
  }
  return t;
}();

// GitHub-flavoured Markdown: every ASCII punctuation character is backslash-escaped (so no
// emphasis, link, autolink, HTML tag or entity can form), line breaks become spaces.
std::string md(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  // Runs of characters written as they are are appended whole.
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const md_byte kind = md_bytes[c];
    if (kind == md_byte::plain) continue;
    const bool punctuation = kind == md_byte::punctuation;
    out.append(text.data() + run, i - run);
    run = i + 1;
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (punctuation) {
      out += '\\';
      out += text[i];
    }  // other control characters are dropped
  }
  out.append(text.data() + run, text.size() - run);
  return out;
}

std::string cut_summary(std::string s) {
  if (s.size() <= max_summary_bytes) return s;
  std::string out(mnscreen::detail::utf8_prefix(s, max_summary_bytes - 3));
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == ';'))
    out.pop_back();
  out += "\xE2\x80\xA6";
  return out;
}

// The first clause of a reason: up to the first ". ", "; " or " — ".
std::string first_clause(std::string_view reason) {
  std::size_t end = reason.size();
  for (std::string_view stop : {". ", "; ", " \xE2\x80\x94 ", ": "}) {
    const auto at = reason.find(stop);
    if (at != std::string_view::npos && at > 8) end = std::min(end, at);
  }
  std::string out(reason.substr(0, end));
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::string_view decision_words(effect e) {
  switch (e) {
    case effect::do_not_treat:
      return "Do not treat";
    case effect::defer:
      return "Defer";
    case effect::modify_plan:
      return "Modify the plan";
    case effect::proceed_with_caution:
      return "Caution";
    case effect::info:
      return "Note";
  }
  return "Note";
}

std::string area_list(const std::vector<area>& as) {
  std::string out;
  for (std::size_t i = 0; i < as.size(); ++i) {
    if (i > 0) out += i + 1 == as.size() ? " and " : ", ";
    out += to_string(as[i]);
  }
  return out;
}

std::string_view question_noun(question q) {
  switch (q) {
    case question::pregnancy:
      return "pregnancy";
    case question::anticoagulant:
      return "anticoagulants";
    case question::bleeding_disorder:
      return "bleeding disorders";
    case question::isotretinoin:
      return "isotretinoin";
    case question::keloid:
      return "keloids";
    case question::hsv_labialis:
      return "cold sores";
    case question::skin_infection:
      return "skin infection";
    case question::anesthetic_allergy:
      return "anaesthetic allergy";
    case question::implanted_device:
      return "implants";
    case question::diabetes_mellitus:
      return "diabetes";
    case question::immunosuppression:
      return "immunosuppression";
    case question::hba1c:
      return "HbA1c";
    case question::inr:
      return "INR";
    case question::breastfeeding:
      return "breastfeeding";
    case question::birth_date:
      return "age";
    case question::sex:
      return "sex";
    case question::fitzpatrick:
      return "skin type";
    case question::single_use_needles:
      return "single-use needles";
  }
  return "a factor";
}

std::string_view key_noun(std::string_view key) {
  if (key == "patient") return "patient details";
  if (key == "conditions") return "conditions";
  if (key == "medicationRequests") return "prescriptions";
  if (key == "medicationStatements") return "medications taken";
  if (key == "allergies") return "allergies";
  if (key == "observations") return "observations and labs";
  if (key == "procedures") return "procedures";
  if (key == "devices") return "devices";
  return key;
}

json::object source(const response_options& o, std::string_view kind, std::string_view display,
                    const json::storage_ptr& sp) {
  json::object s(sp);
  s["label"] = "mnscreen " + std::string(library_version) + " (knowledge " +
               std::string(knowledge_version) + ")";
  if (!o.source_url.empty()) s["url"] = o.source_url;
  json::object topic(sp);
  topic["system"] = card_kind_system;
  topic["code"] = kind;
  topic["display"] = display;
  s["topic"] = std::move(topic);
  return s;
}

json::array override_reasons_json(const json::storage_ptr& sp) {
  json::array out(sp);
  out.reserve(std::size(override_table));
  for (const auto& c : override_table) {
    json::object o(sp);
    o["system"] = c.system;
    o["code"] = c.code;
    o["display"] = c.display;
    out.push_back(std::move(o));
  }
  return out;
}

std::string plan_line(const hook_result& r) {
  const procedure_plan& p = r.input.plan;
  return "Plan screened: " + md(area_list(p.areas)) + " on " + to_string(p.date) + ", " +
         std::string(to_string(p.device)) + " at " + md(io::number_text(p.needle_depth.value())) +
         " mm, anaesthetic " + md(std::string(to_string(p.anesthetic))) + ".";
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

std::string bullets(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += "- " + md(i) + "\n";
  return out;
}

std::string unavailable_section(const hook_result& r) {
  if (r.input.unavailable.empty()) return {};
  std::string out = "**Not available from the record** (treated as unknown, never as \"no\"):\n\n";
  for (const auto& [key, why] : r.input.unavailable)
    out += "- " + md(std::string(key_noun(key))) + ": " + md(why) + "\n";
  return out + "\n";
}

std::string assumptions_section(const hook_result& r) {
  if (!r.input.has_plan) return {};
  std::string out = plan_line(r) + "\n\n";
  if (!r.input.assumptions.empty()) out += "Assumed:\n\n" + bullets(r.input.assumptions) + "\n";
  return out;
}

std::string flag_item(const flag& f) {
  std::string out = "- **" + std::string(decision_words(f.effect));
  if (f.effect == effect::defer)
    out += f.earliest_safe_date ? " until " + to_string(*f.earliest_safe_date) : " (no fixed end)";
  out += "** \xE2\x80\x94 " + md(f.reason) + "  \n";
  if (!f.action.empty()) out += "  Action: " + md(f.action) + "  \n";
  if (f.earliest_safe_date)
    out += "  Earliest safe date: " + to_string(*f.earliest_safe_date) + "  \n";
  std::vector<evidence_level> levels;
  for (const auto& e : f.evidence) levels.push_back(e.level);
  std::sort(levels.begin(), levels.end());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  std::string ev;
  for (const auto l : levels) ev += (ev.empty() ? "" : ", ") + std::string(to_string(l));
  out += "  Evidence: " + (ev.empty() ? std::string("not stated") : md(ev)) + " \xC2\xB7 rule `" +
         f.rule_id + "`";
  if (f.override_record)
    out += " \xC2\xB7 overridden (" + std::string(to_string(f.override_record->reason)) + ")";
  return out + "\n";
}

json::object base_card(std::string_view uuid, std::string summary, std::string_view detail,
                       std::string_view indicator, json::object src) {
  json::object c(src.storage());
  c["uuid"] = uuid;
  c["summary"] = cut_summary(std::move(summary));
  if (!detail.empty()) c["detail"] = detail;
  c["indicator"] = indicator;
  c["source"] = std::move(src);
  return c;
}

// A copy of the source resource with a change, as an update suggestion; nothing when the
// resource cannot be updated (no id).
std::optional<json::object> changed_source(const hook_result& r) {
  if (r.input.source_resource.empty()) return std::nullopt;
  json::error_code ec;
  json::value v = json::parse(r.input.source_resource, ec);
  if (ec || !v.is_object() || string_member(v.get_object(), "id").empty()) return std::nullopt;
  return std::move(v.get_object());
}

std::string with_day(std::string_view instant, const date& d) {
  std::string out = to_string(d);
  if (instant.size() > 10) out += instant.substr(10);
  return out;
}

json::object suggestion(const request& req, std::string_view kind,
                        const std::vector<std::string>& ids, std::string_view label,
                        std::string_view description, json::object resource) {
  json::object action;
  action["type"] = "update";
  action["description"] = description;
  action["resource"] = std::move(resource);
  json::object s;
  s["label"] = label;
  s["uuid"] = card_uuid(req.hook_instance, "suggestion:" + std::string(kind), ids);
  json::array actions;
  actions.push_back(std::move(action));
  s["actions"] = std::move(actions);
  return s;
}

json::array suggestions(const hook_result& r, const request& req,
                        const std::vector<const flag*>& active) {
  json::array out;
  if (!r.screen || r.input.source_type.empty()) return out;
  const report& rep = *r.screen;
  std::vector<std::string> defer_ids, area_ids, anaesthetic_ids;
  std::vector<area> excluded;
  for (const flag* f : active) {
    if (f->effect == effect::defer) defer_ids.push_back(f->rule_id);
    if (f->effect == effect::modify_plan && !f->areas.empty()) {
      area_ids.push_back(f->rule_id);
      for (const area a : f->areas)
        if (std::find(excluded.begin(), excluded.end(), a) == excluded.end()) excluded.push_back(a);
    }
    if (f->rule_id == "anesthetic_allergy" && r.input.plan.anesthetic != anesthetic::none)
      anaesthetic_ids.push_back(f->rule_id);
  }
  const bool do_not_treat = rep.decision == decision::do_not_treat;
  // Move to the earliest safe date (a deferral with a known end, nothing worse).
  if (!defer_ids.empty() && rep.defer_until && !do_not_treat) {
    if (auto res = changed_source(r)) {
      const std::string day = to_string(*rep.defer_until);
      if (r.input.source_type == "ServiceRequest") {
        res->erase("occurrencePeriod");
        res->erase("occurrenceTiming");
        (*res)["occurrenceDateTime"] = day;
      } else {
        (*res)["start"] = with_day(string_member(*res, "start"), *rep.defer_until);
        if (!string_member(*res, "end").empty())
          (*res)["end"] = with_day(string_member(*res, "end"), *rep.defer_until);
      }
      out.push_back(suggestion(
          req, "move", defer_ids, "Move to " + day + " (earliest safe date)",
          "Set the " + std::string(r.input.source_type == "Appointment" ? "appointment" : "order") +
              " date to " + day,
          std::move(*res)));
    }
  }
  // Drop the excluded areas: only when each body site of the order is wholly excluded or
  // wholly kept (a group word such as "face" cannot be split into an update).
  if (!excluded.empty() && r.input.source_type == "ServiceRequest" && !do_not_treat) {
    if (auto res = changed_source(r)) {
      const json::value* sites = member(*res, "bodySite");
      if (sites && sites->is_array()) {
        json::array kept;
        bool clean = true;
        std::size_t dropped = 0;
        for (const auto& site : sites->get_array()) {
          std::vector<area> as;
          if (site.is_object()) as = detail::body_site_areas(site.get_object());
          std::size_t n_excluded = 0;
          for (const area a : as)
            if (std::find(excluded.begin(), excluded.end(), a) != excluded.end()) ++n_excluded;
          if (n_excluded == 0) {
            kept.push_back(site);
          } else if (n_excluded == as.size()) {
            ++dropped;
          } else {
            clean = false;
          }
        }
        if (clean && dropped > 0 && !kept.empty()) {
          (*res)["bodySite"] = std::move(kept);
          out.push_back(suggestion(
              req, "drop-areas", area_ids, "Drop " + area_list(excluded) + " from the order",
              "Remove the excluded body sites (" + area_list(excluded) + ")", std::move(*res)));
        }
      }
    }
  }
  // No topical anaesthetic.
  if (!anaesthetic_ids.empty() && r.input.source_type == "ServiceRequest" && !do_not_treat) {
    if (auto res = changed_source(r)) {
      json::array exts;
      if (const json::value* e = member(*res, "extension"); e && e->is_array())
        for (const auto& x : e->get_array())
          if (!x.is_object() || string_member(x.get_object(), "url") != ext_anesthetic)
            exts.push_back(x);
      json::object ext;
      ext["url"] = ext_anesthetic;
      ext["valueCode"] = "none";
      exts.push_back(std::move(ext));
      (*res)["extension"] = std::move(exts);
      out.push_back(suggestion(req, "no-anaesthetic", anaesthetic_ids,
                               "Order without topical anaesthetic",
                               "Set the order's topical anaesthetic to none", std::move(*res)));
    }
  }
  return out;
}

std::string flags_summary(const report& rep, const flag& top, std::size_t serious) {
  std::string head;
  switch (top.effect) {
    case effect::do_not_treat:
      head = "Do not microneedle";
      break;
    case effect::defer:
      head = rep.defer_until ? "Defer until " + to_string(*rep.defer_until) : "Defer microneedling";
      break;
    case effect::modify_plan:
      head = "Modify plan";
      break;
    default:
      head = "Caution";
      break;
  }
  std::string tail = serious > 1 ? " (+" + std::to_string(serious - 1) + " more)" : "";
  std::string clause = first_clause(top.reason);
  const std::size_t room =
      max_summary_bytes - std::min(max_summary_bytes, head.size() + 2 + tail.size());
  if (clause.size() > room) clause = detail::cut_text(clause, room);
  return head + ": " + clause + tail;
}

std::string questions_summary(const report* rep, const hook_result& r) {
  std::vector<std::string> nouns;
  if (rep)
    for (const auto& q : rep->questions) {
      const std::string n(question_noun(q.factor));
      if (std::find(nouns.begin(), nouns.end(), n) == nouns.end()) nouns.push_back(n);
    }
  std::string s = "Microneedling screen incomplete: ";
  if (nouns.empty()) {
    std::vector<std::string> keys;
    for (const auto& u : r.input.unavailable) keys.emplace_back(key_noun(u.first));
    s += keys.empty() ? std::string("record data unavailable") : join_words(keys) + " unavailable";
    return s;
  }
  s += "ask about ";
  std::string list;
  std::size_t shown = 0;
  for (std::size_t i = 0; i < nouns.size(); ++i) {
    const std::string more = " and " + std::to_string(nouns.size() - i) + " more";
    if (s.size() + list.size() + nouns[i].size() + 2 + more.size() > max_summary_bytes) break;
    list += (i == 0 ? "" : ", ") + nouns[i];
    ++shown;
  }
  if (shown < nouns.size()) list += " and " + std::to_string(nouns.size() - shown) + " more";
  return s + list;
}

std::string questions_detail(const report* rep, const hook_result& r,
                             const std::vector<const flag*>& notes) {
  std::string d;
  if (rep && !rep->questions.empty()) {
    d += "**Ask before microneedling** (most decisive first):\n\n";
    std::size_t i = 1;
    for (const auto& q : rep->questions) {
      d += std::to_string(i++) + ". " + md(q.ask);
      if (q.if_yes && *q.if_yes != decision::proceed)
        d += " *If yes: " + md(std::string(to_string(*q.if_yes))) + ".*";
      d += "\n";
    }
    d += "\n";
  }
  d += unavailable_section(r);
  if (!notes.empty()) {
    d += "**Also noted:**\n\n";
    for (const flag* f : notes) d += flag_item(*f);
    d += "\n";
  }
  d += assumptions_section(r);
  d += "Nothing here clears the patient to treat: the screen is incomplete until these are "
       "answered.";
  return d;
}

}  // namespace

std::span<const coding> override_reasons() { return override_table; }

std::string card_uuid(std::string_view hook_instance, std::string_view kind,
                      std::span<const std::string> rule_ids) {
  // Namespace of mnscreen's card uuids (a fixed, random version-4 UUID).
  static constexpr boost::uuids::uuid ns = {{0x5b, 0x0c, 0x3e, 0x8a, 0x41, 0xd2, 0x4f, 0x6e, 0x9a,
                                             0x13, 0x7c, 0x52, 0xe0, 0x8d, 0x2f, 0x91}};
  std::string name(hook_instance);
  name += '\n';
  name += kind;
  std::vector<std::string> ids(rule_ids.begin(), rule_ids.end());
  std::sort(ids.begin(), ids.end());
  for (const auto& id : ids) {
    name += '\n';
    name += id;
  }
  boost::uuids::name_generator_sha1 gen(ns);
  return boost::uuids::to_string(gen(name.data(), name.size()));
}

std::string to_response(const hook_result& r, const request& req, const response_options& o) {
  std::vector<response_card> written;
  return to_response(r, req, o, written);
}

std::string to_response(const hook_result& r, const request& req, const response_options& o,
                        std::vector<response_card>& written) {
  written.clear();
  // The response's tree lives in one arena, on the stack for a usual response, dropped at once.
  // The buffer is left uninitialised: the arena hands out only bytes it writes first, and
  // zeroing 16 KB was ~8 % of this function's instructions.
  std::array<unsigned char, 16384> buffer;
  json::monotonic_resource arena(buffer.data(), buffer.size());
  const json::storage_ptr sp(&arena);
  json::array cards(sp);
  const report* rep = r.screen ? &*r.screen : nullptr;
  // Makes a card (base_card) of the given kind and records, in the response's order, what
  // `written` gives of it: its uuid, indicator and the rules it asks the clinician to act on
  // (none for the cards that show no rule). Every card made is pushed to `cards` at once.
  const auto card = [&](std::string_view kind, std::vector<std::string> ids, bool act_on_ids,
                        std::string summary, std::string_view detail, std::string_view indicator,
                        std::string_view title) {
    std::string uuid = card_uuid(req.hook_instance, kind, ids);
    json::object c =
        base_card(uuid, std::move(summary), detail, indicator, source(o, kind, title, sp));
    written.push_back({std::move(uuid), std::string(indicator),
                       act_on_ids ? std::move(ids) : std::vector<std::string>{}});
    return c;
  };
  if (!rep) {
    if (!r.input.not_applicable) {
      std::string why;
      for (const auto& d : r.input.diagnostics)
        if (d.code == "cds.no_plan") why = d.message;
      std::string detail = "**No microneedling screen was made:** " + md(why) + "\n\n" +
                           unavailable_section(r) + "Nothing here clears the patient to treat.";
      cards.push_back(card("not-screened", {}, false,
                           "Microneedling screen not done: no plan to screen", detail, "info",
                           "Screen not done"));
    }
  } else if (rep->decision == decision::cannot_screen) {
    std::vector<std::string> problems;
    for (const auto& d : rep->warnings)
      if (d.severity != severity::warning) problems.push_back(d.path + ": " + d.message);
    std::string detail = "**The screen could not run** because its inputs failed validation:\n\n" +
                         bullets(problems) + "\n" + assumptions_section(r) +
                         "Nothing here clears the patient to treat.";
    cards.push_back(card("cannot-screen", {}, false,
                         "Microneedling screen not done: the plan or record failed validation",
                         detail, "info", "Screen not done"));
  } else {
    std::vector<const flag*> active, serious, notes;
    for (const auto& f : rep->flags) {
      if (f.override_record) continue;
      active.push_back(&f);
      (f.effect == effect::info ? notes : serious).push_back(&f);
    }
    const bool incomplete = !rep->complete || !r.input.unavailable.empty();
    if (!serious.empty()) {
      const flag& top = *serious.front();  // flags are sorted most serious first
      const bool critical = top.effect >= effect::defer;
      std::vector<std::string> ids;
      ids.reserve(active.size());
      for (const flag* f : active) ids.push_back(f->rule_id);
      std::string detail = "**Decision: " + std::string(to_string(rep->decision)) + "**";
      if (rep->defer_until)
        detail += " \xE2\x80\x94 earliest safe date " + to_string(*rep->defer_until);
      detail += "\n\n";
      for (const flag* f : active) detail += flag_item(*f);
      detail += "\n";
      for (const auto& f : rep->flags)
        if (f.override_record) detail += flag_item(f);
      if (incomplete) detail += "The screen is also incomplete: see the questions card.\n\n";
      detail += assumptions_section(r);
      json::object flags_card =
          card("flags", std::move(ids), true, flags_summary(*rep, top, serious.size()), detail,
               critical ? "critical" : "warning", "Contraindications and cautions");
      json::array sug = suggestions(r, req, active);
      if (!sug.empty()) {
        flags_card["suggestions"] = std::move(sug);
        flags_card["selectionBehavior"] = "any";
      }
      flags_card["overrideReasons"] = override_reasons_json(sp);
      cards.push_back(std::move(flags_card));
      notes.clear();  // listed on the flags card
    }
    if (incomplete) {
      std::vector<std::string> ids;
      for (const auto& q : rep->questions) ids.emplace_back(to_string(q.factor));
      for (const auto& u : r.input.unavailable) ids.push_back("unavailable:" + u.first);
      cards.push_back(card("questions", std::move(ids), false, questions_summary(rep, r),
                           questions_detail(rep, r, notes), "info", "Screen incomplete"));
    } else if (serious.empty() && req.hook == hook::patient_view &&
               o.proceed_card_on_patient_view) {
      std::vector<std::string> ids;
      ids.reserve(notes.size());
      for (const flag* f : notes) ids.push_back(f->rule_id);
      std::string detail = "No contraindication or caution was found for the plan.\n\n";
      for (const flag* f : notes) detail += flag_item(*f);
      if (!notes.empty()) detail += "\n";
      detail += assumptions_section(r);
      cards.push_back(card("proceed", std::move(ids), true,
                           "Microneedling screen complete: no contraindication for " +
                               area_list(r.input.plan.areas) + " on " +
                               to_string(r.input.plan.date),
                           detail, "info", "Screen complete"));
    }
  }
  json::object doc(sp);
  doc["cards"] = std::move(cards);
  return json::serialize(doc);
}

}  // namespace mnscreen::cds
