// SPDX-License-Identifier: Apache-2.0
#include "audit/export.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <ostream>
#include <vector>

#include <boost/json.hpp>

namespace mnscreen::audit {

namespace {

// Rows of cards that list no rule (the questions card, the incomplete-screen card) and
// feedback on a card uuid that no recorded hook call returned.
constexpr std::string_view no_rule = "(none)";
constexpr std::string_view unknown_card = "(unmatched)";

std::string jstr(std::string_view s) { return boost::json::serialize(boost::json::string_view(s)); }

std::string jarr(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != 0) out += ',';
    out += jstr(v[i]);
  }
  return out + ']';
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// RFC 4180 field. A text that a spreadsheet would run as a formula (= + - @, tab, CR first)
// gets a leading apostrophe: clinicians' comments are free text and these files are opened
// in spreadsheets (OWASP "CSV injection").
std::string csv(std::string_view s) {
  std::string v;
  if (!s.empty() &&
      (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    v += '\'';
  v += s;
  if (v.find_first_of(",\"\r\n") == std::string::npos &&
      (v.empty() || (v.front() != ' ' && v.back() != ' ')))
    return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

constexpr const char* csv_header =
    "kind,record_id,time,service,hook_instance,issuer,patient_ref,decision,rule_ids,card_uuid,"
    "indicator,outcome,override_reason,comment,outcome_timestamp,knowledge_version,"
    "library_version,model_version,policy_name,latency_ms\r\n";

struct card_info {
  bool found = false;
  std::vector<std::string> rule_ids;
  std::string decision, hook_instance;
};

card_info lookup_card(statement& st, const std::string& uuid) {
  st.reset();
  st.bind(1, uuid);
  card_info out;
  if (st.step()) {
    out.found = true;
    out.rule_ids = from_json_array(st.text(0));
    out.decision = st.text(1);
    out.hook_instance = st.text(2);
  }
  return out;
}

constexpr const char* card_lookup_sql =
    "SELECT c.rule_ids, h.decision, h.hook_instance FROM card c JOIN hook_call h "
    "USING(record_id) WHERE c.card_uuid = ?1 ORDER BY h.time, h.rowid, c.position LIMIT 1";

void print_hook(statement& h, statement& cards, export_format f, std::ostream& out) {
  const std::string id = h.text(0);
  cards.reset();
  cards.bind(1, id);
  std::vector<std::string> uuids, indicators;
  std::string cards_json = "[";
  while (cards.step()) {
    if (!uuids.empty()) cards_json += ',';
    uuids.push_back(cards.text(0));
    indicators.push_back(cards.text(1));
    cards_json += "{\"uuid\":" + jstr(uuids.back()) + ",\"indicator\":" + jstr(indicators.back()) +
                  ",\"rule_ids\":" + jarr(from_json_array(cards.text(2))) + '}';
  }
  cards_json += ']';
  const auto rules = from_json_array(h.text(7));
  if (f == export_format::json) {
    out << "{\"kind\":\"hook\",\"record_id\":" << jstr(id) << ",\"time\":" << jstr(h.text(1))
        << ",\"service\":" << jstr(h.text(2)) << ",\"hook_instance\":" << jstr(h.text(3))
        << ",\"issuer\":" << jstr(h.text(4)) << ",\"patient_ref\":" << jstr(h.text(5))
        << ",\"decision\":" << jstr(h.text(6)) << ",\"rule_ids\":" << jarr(rules)
        << ",\"cards\":" << cards_json << ",\"knowledge_version\":" << jstr(h.text(8))
        << ",\"library_version\":" << jstr(h.text(9)) << ",\"model_version\":" << jstr(h.text(10))
        << ",\"policy_name\":" << jstr(h.text(11)) << ",\"latency_ms\":" << number(h.real(12))
        << ",\"outcome\":" << jstr(h.text(13)) << "}\n";
  } else {
    out << "hook," << csv(id) << ',' << csv(h.text(1)) << ',' << csv(h.text(2)) << ','
        << csv(h.text(3)) << ',' << csv(h.text(4)) << ',' << csv(h.text(5)) << ',' << csv(h.text(6))
        << ',' << csv(joined(rules)) << ',' << csv(joined(uuids)) << ',' << csv(joined(indicators))
        << ',' << csv(h.text(13)) << ",,,," << csv(h.text(8)) << ',' << csv(h.text(9)) << ','
        << csv(h.text(10)) << ',' << csv(h.text(11)) << ',' << number(h.real(12)) << "\r\n";
  }
}

void print_feedback(statement& fb, statement& card, export_format f, std::ostream& out) {
  const card_info ci = lookup_card(card, fb.text(4));
  std::string hook_instance = fb.text(3);
  if (hook_instance.empty()) hook_instance = ci.hook_instance;
  if (f == export_format::json) {
    out << "{\"kind\":\"feedback\",\"record_id\":" << jstr(fb.text(0))
        << ",\"time\":" << jstr(fb.text(1)) << ",\"service\":" << jstr(fb.text(2))
        << ",\"hook_instance\":" << jstr(hook_instance) << ",\"card_uuid\":" << jstr(fb.text(4))
        << ",\"outcome\":" << jstr(fb.text(5)) << ",\"override_reason\":" << jstr(fb.text(6))
        << ",\"comment\":" << jstr(fb.text(7)) << ",\"outcome_timestamp\":" << jstr(fb.text(8))
        << ",\"decision\":" << jstr(ci.decision) << ",\"rule_ids\":" << jarr(ci.rule_ids) << "}\n";
  } else {
    out << "feedback," << csv(fb.text(0)) << ',' << csv(fb.text(1)) << ',' << csv(fb.text(2)) << ','
        << csv(hook_instance) << ",,," << csv(ci.decision) << ',' << csv(joined(ci.rule_ids)) << ','
        << csv(fb.text(4)) << ",," << csv(fb.text(5)) << ',' << csv(fb.text(6)) << ','
        << csv(fb.text(7)) << ',' << csv(fb.text(8)) << ",,,,,\r\n";
  }
}

bool digits(std::string_view s, std::size_t from, std::size_t n) {
  if (s.size() < from + n) return false;
  for (std::size_t i = from; i < from + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int num(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

std::optional<std::string> parse_since(std::string_view t) {
  // YYYY-MM-DD
  if (!(digits(t, 0, 4) && t.size() >= 10 && t[4] == '-' && digits(t, 5, 2) && t[7] == '-' &&
        digits(t, 8, 2)))
    return std::nullopt;
  const int y = num(t, 0, 4), mo = num(t, 5, 2), d = num(t, 8, 2);
  static constexpr int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return std::nullopt;
  if (t.size() == 10) return std::string(t);
  // THH:MM:SS[.fff]Z
  if (!(t.size() >= 20 && t[10] == 'T' && digits(t, 11, 2) && t[13] == ':' && digits(t, 14, 2) &&
        t[16] == ':' && digits(t, 17, 2) && t.back() == 'Z'))
    return std::nullopt;
  if (num(t, 11, 2) > 23 || num(t, 14, 2) > 59 || num(t, 17, 2) > 60) return std::nullopt;
  // Without the `Z`, the key compares right against stored times with or without
  // milliseconds ("...:00.000Z" >= "...:00", while "...:00.000Z" < "...:00Z").
  if (t.size() == 20) return std::string(t.substr(0, 19));
  if (t[19] != '.' || t.size() < 22 || !digits(t, 20, t.size() - 21)) return std::nullopt;
  return std::string(t.substr(0, t.size() - 1));
}

void export_records(database& db, const export_options& o, std::ostream& out) {
  statement hooks(db.handle(),
                  "SELECT record_id, time, service, hook_instance, issuer, patient_ref, decision, "
                  "rule_ids, knowledge_version, library_version, model_version, policy_name, "
                  "latency_ms, outcome FROM hook_call WHERE time >= ?1 ORDER BY time, rowid");
  statement cards(db.handle(),
                  "SELECT card_uuid, indicator, rule_ids FROM card WHERE record_id = ?1 "
                  "ORDER BY position");
  statement fbs(db.handle(),
                "SELECT record_id, time, service, hook_instance, card_uuid, outcome, "
                "override_reason, comment, outcome_timestamp FROM feedback WHERE time >= ?1 "
                "ORDER BY time, rowid");
  statement card(db.handle(), card_lookup_sql);
  hooks.bind(1, o.since);
  fbs.bind(1, o.since);
  if (o.format == export_format::csv) out << csv_header;
  bool has_hook = hooks.step(), has_fb = fbs.step();
  while (has_hook || has_fb) {
    if (has_hook && (!has_fb || hooks.text(1) <= fbs.text(1))) {
      print_hook(hooks, cards, o.format, out);
      has_hook = hooks.step();
    } else {
      print_feedback(fbs, card, o.format, out);
      has_fb = fbs.step();
    }
  }
}

void export_summary(database& db, const export_options& o, std::ostream& out) {
  struct counts {
    std::uint64_t shown = 0, feedback = 0, accepted = 0, overridden = 0;
    std::map<std::string, std::uint64_t> reasons;
  };
  std::map<std::string, counts, std::less<>> by_rule;
  statement shown(db.handle(),
                  "SELECT c.rule_ids FROM card c JOIN hook_call h USING(record_id) "
                  "WHERE h.time >= ?1");
  shown.bind(1, o.since);
  while (shown.step()) {
    auto rules = from_json_array(shown.text(0));
    if (rules.empty()) rules.emplace_back(no_rule);
    for (const auto& r : rules) ++by_rule[r].shown;
  }
  statement fbs(db.handle(),
                "SELECT card_uuid, outcome, override_reason FROM feedback WHERE time >= ?1");
  statement card(db.handle(), card_lookup_sql);
  fbs.bind(1, o.since);
  while (fbs.step()) {
    const card_info ci = lookup_card(card, fbs.text(0));
    std::vector<std::string> rules = ci.rule_ids;
    if (!ci.found)
      rules = {std::string(unknown_card)};
    else if (rules.empty())
      rules = {std::string(no_rule)};
    const std::string outcome = fbs.text(1);
    std::string reason = fbs.text(2);
    if (reason.empty()) reason = no_rule;
    for (const auto& r : rules) {
      auto& c = by_rule[r];
      ++c.feedback;
      if (outcome == "accepted") ++c.accepted;
      if (outcome == "overridden") {
        ++c.overridden;
        ++c.reasons[reason];
      }
    }
  }
  struct row {
    std::string rule;
    counts c;
    double rate;  // -1: no accepted/overridden feedback
  };
  std::vector<row> rows;
  for (auto& [rule, c] : by_rule) {
    const auto answered = c.accepted + c.overridden;
    const double rate =
        answered == 0 ? -1.0 : static_cast<double>(c.overridden) / static_cast<double>(answered);
    rows.push_back({rule, c, rate});
  }
  // Most ignored first: that is what a clinic reviews.
  std::stable_sort(rows.begin(), rows.end(), [](const row& a, const row& b) {
    if (a.rate != b.rate) return a.rate > b.rate;
    if (a.c.feedback != b.c.feedback) return a.c.feedback > b.c.feedback;
    return a.rule < b.rule;
  });
  if (o.format == export_format::csv)
    out << "rule_id,cards_shown,feedback,accepted,overridden,override_rate,override_reasons\r\n";
  for (const auto& r : rows) {
    if (o.format == export_format::json) {
      out << "{\"kind\":\"rule_summary\",\"rule_id\":" << jstr(r.rule)
          << ",\"cards_shown\":" << r.c.shown << ",\"feedback\":" << r.c.feedback
          << ",\"accepted\":" << r.c.accepted << ",\"overridden\":" << r.c.overridden
          << ",\"override_rate\":" << (r.rate < 0 ? std::string("null") : number(r.rate))
          << ",\"override_reasons\":{";
      bool first = true;
      for (const auto& [reason, n] : r.c.reasons) {
        if (!first) out << ',';
        first = false;
        out << jstr(reason) << ':' << n;
      }
      out << "}}\n";
    } else {
      std::string reasons;
      for (const auto& [reason, n] : r.c.reasons) {
        if (!reasons.empty()) reasons += ' ';
        reasons += reason + '=' + std::to_string(n);
      }
      out << csv(r.rule) << ',' << r.c.shown << ',' << r.c.feedback << ',' << r.c.accepted << ','
          << r.c.overridden << ',' << (r.rate < 0 ? std::string() : number(r.rate)) << ','
          << csv(reasons) << "\r\n";
    }
  }
}

}  // namespace mnscreen::audit
