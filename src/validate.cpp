// SPDX-License-Identifier: Apache-2.0
// Range and consistency checks of intakes and plans: the one place these rules live. The JSON
// readers call them after reading (so the paths are the JSON paths) and the screener calls them
// before screening (so validation cannot be bypassed through the C++ API).
#include <charconv>
#include <cmath>
#include <string>

#include "mnscreen/rules.hpp"
#include "mnscreen/screener.hpp"

namespace mnscreen {
namespace {

std::string num(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

// A JSON path built only when a problem is reported, so that valid inputs (the hot path) cost
// no string building: `$.<list>[<index>].<field>` or `$.<field>`.
struct where {
  std::string_view list;
  std::size_t index = 0;
  std::string_view field;
  bool indexed = false;

  [[nodiscard]] where at(std::string_view f) const { return {list, index, f, indexed}; }
  [[nodiscard]] std::string str() const {
    const std::string number = indexed ? std::to_string(index) : std::string();
    std::string out;
    out.reserve(4 + list.size() + number.size() + field.size());
    out.append("$.");
    if (indexed) {
      out.append(list);
      out.push_back('[');
      out.append(number);
      out.push_back(']');
      if (!field.empty()) out.push_back('.');
    }
    out.append(field);
    return out;
  }
};

where item(std::string_view list, std::size_t i) { return {list, i, {}, true}; }
where field(std::string_view f) { return {{}, 0, f, false}; }

// Enumerators are dense from 0, so a value is valid when it is below the number of words
// (asked of the vocabulary once per enum, not once per check).
template <class E>
bool valid(E e) noexcept {
  static const std::size_t count = all_codes<E>().size();
  return static_cast<std::size_t>(e) < count;
}

// The checks of valid input (the hot path: every screen validates its intake and plan) are
// inline tests; a diagnostic, its path and its message (std::to_string, to_string(date)'s
// snprintf...) are built only in the out-of-line reporting functions, when a problem is found.
// A path is made only there too: the checks take a function that makes it (`at`), since a
// path object made before each test costs a store and a reload per test even when valid.
class checker {
 public:
  void error(const where& w, std::string message, std::string code = "out_of_range") {
    out.push_back({severity::error, std::move(code), w.str(), std::move(message)});
  }
  template <class At, class E>
  void code(const At& at, E e) {
    if (!valid(e)) [[unlikely]]
      bad_code(at(), static_cast<unsigned>(e));
  }
  template <class At>
  void day(const At& at, const date& d) {
    if (!d.ok()) [[unlikely]]
      bad_day(at());
  }
  template <class At>
  void day(const At& at, const std::optional<date>& d) {
    if (d && !d->ok()) [[unlikely]]
      bad_day(at());
  }
  template <class At>
  void sites(const At& at, const std::vector<area>& areas) {
    for (std::size_t i = 0; i < areas.size(); ++i)
      if (!valid(areas[i])) [[unlikely]]
        bad_site(at(), i, static_cast<unsigned>(areas[i]));
  }
  std::vector<diagnostic> out;

 private:
  [[gnu::cold]] void bad_code(const where& w, unsigned value) {
    error(w, std::to_string(value) + " is not a valid code", "unknown_code");
  }
  [[gnu::cold]] void bad_day(const where& w) { error(w, "not a calendar date", "invalid_date"); }
  [[gnu::cold]] void bad_site(const where& w, std::size_t position, unsigned value) {
    // Sites are a list inside an item: name the item's path and the position.
    error(w,
          "position " + std::to_string(position) + ": " + std::to_string(value) +
              " is not a valid area",
          "unknown_code");
  }
};

// The path makers the checks take: `$.<name>`, and `$.<list>[<index>].<field>`.
auto top(std::string_view name) {
  return [name] { return field(name); };
}
auto in_item(std::string_view list, std::size_t index, std::string_view name) {
  return [list, index, name] { return item(list, index).at(name); };
}

struct lab_range {
  double min, max;
  std::string_view what;
};

lab_range range_of(lab_code c) noexcept {
  switch (c) {
    case lab_code::hba1c:
      return {3.0, 20.0, "an HbA1c in 3..20 %"};
    case lab_code::inr:
      return {0.5, 20.0, "an INR in 0.5..20"};
    case lab_code::platelets:
      return {0.0, 2000.0, "a platelet count in 0..2000 x10^9/L"};
    case lab_code::cd4:
      return {0.0, 5000.0, "a CD4 count in 0..5000 cells/uL"};
  }
  return {0.0, 0.0, "a known lab"};
}

}  // namespace

std::vector<diagnostic> validate(const intake& in) {
  checker c;
  const auto& p = in.patient;
  c.day(top("patient.birth_date"), p.birth_date);
  if (p.sex) c.code(top("patient.sex"), *p.sex);
  if (p.fitzpatrick && (*p.fitzpatrick < 1 || *p.fitzpatrick > 6))
    c.error(field("patient.fitzpatrick"),
            std::to_string(*p.fitzpatrick) + " is not a Fitzpatrick type in 1..6");
  for (std::size_t i = 0; i < in.conditions.size(); ++i) {
    const auto& x = in.conditions[i];
    const auto at = [i](std::string_view f) { return in_item("conditions", i, f); };
    c.code(at("code"), x.code);
    c.code(at("status"), x.status);
    if (x.severity) c.code(at("severity"), *x.severity);
    c.day(at("onset"), x.onset);
    c.sites(at("sites"), x.sites);
  }
  for (std::size_t i = 0; i < in.medications.size(); ++i) {
    const auto& m = in.medications[i];
    const auto at = [i](std::string_view f) { return in_item("medications", i, f); };
    c.code(at("code"), m.code);
    if (m.route) c.code(at("route"), *m.route);
    c.day(at("start"), m.start);
    c.day(at("stop"), m.stop);
    if (m.start && m.stop && m.start->ok() && m.stop->ok() &&
        std::chrono::sys_days{*m.stop} < std::chrono::sys_days{*m.start}) [[unlikely]]
      c.error(at("stop")(),
              to_string(*m.stop) + " is before the start date " + to_string(*m.start));
    c.sites(at("sites"), m.sites);
  }
  for (std::size_t i = 0; i < in.allergies.size(); ++i) {
    const auto& a = in.allergies[i];
    const auto at = [i](std::string_view f) { return in_item("allergies", i, f); };
    c.code(at("substance"), a.substance);
    if (a.severity) c.code(at("severity"), *a.severity);
  }
  for (std::size_t i = 0; i < in.devices.size(); ++i) {
    const auto at = [i](std::string_view f) { return in_item("devices", i, f); };
    c.code(at("code"), in.devices[i].code);
    c.sites(at("sites"), in.devices[i].sites);
  }
  for (std::size_t i = 0; i < in.procedures.size(); ++i) {
    const auto& x = in.procedures[i];
    const auto at = [i](std::string_view f) { return in_item("procedures", i, f); };
    c.code(at("code"), x.code);
    c.day(at("date"), x.date);
    c.sites(at("areas"), x.areas);
    if (x.depth) c.code(at("depth"), *x.depth);
  }
  for (std::size_t i = 0; i < in.labs.size(); ++i) {
    const auto& l = in.labs[i];
    const auto at = [i](std::string_view f) { return in_item("labs", i, f); };
    c.code(at("code"), l.code);
    c.day(at("date"), l.date);
    const lab_range r = range_of(l.code);
    if (!std::isfinite(l.value) || l.value < r.min || l.value > r.max) [[unlikely]]
      c.error(at("value")(), num(l.value) + " is not " + std::string(r.what));
  }
  return std::move(c.out);
}

std::vector<diagnostic> validate(const procedure_plan& plan) {
  checker c;
  c.day(top("date"), plan.date);
  c.code(top("device"), plan.device);
  const double depth = plan.needle_depth.value();
  if (!(depth > 0.0 && depth <= 4.0))
    c.error(field("needle_depth_mm"), num(depth) + " is not a depth in (0, 4] mm");
  if (plan.areas.empty()) c.error(field("areas"), "no area is planned", "missing_field");
  c.sites(top("areas"), plan.areas);
  c.code(top("anesthetic"), plan.anesthetic);
  c.code(top("setting"), plan.setting);
  c.code(top("needle_material"), plan.needle_material);
  for (std::size_t i = 0; i < plan.adjuncts.size(); ++i)
    c.code([i] { return item("adjuncts", i); }, plan.adjuncts[i]);
  // Overrides (issue 11): each names a catalogue rule, at most once per plan.
  for (std::size_t i = 0; i < plan.overrides.size(); ++i) {
    const rule_override& o = plan.overrides[i];
    const where w = item("overrides", i);
    if (find_rule(o.rule_id) == nullptr) [[unlikely]]
      c.error(w.at("rule_id"), "'" + o.rule_id + "' is not a rule id of the catalogue",
              "unknown_rule");
    c.code([&w] { return w.at("reason"); }, o.reason);
    c.day([&w] { return w.at("date"); }, o.date);
    for (std::size_t j = 0; j < i; ++j)
      if (plan.overrides[j].rule_id == o.rule_id) [[unlikely]] {
        c.error(
            w.at("rule_id"),
            "'" + o.rule_id + "' is overridden twice (first at position " + std::to_string(j) + ")",
            "duplicate_override");
        break;
      }
  }
  return std::move(c.out);
}

}  // namespace mnscreen
