// SPDX-License-Identifier: Apache-2.0
// Range and consistency checks of intakes and plans: the one place these rules live. The JSON
// readers call them after reading (so the paths are the JSON paths) and the screener calls them
// before screening (so validation cannot be bypassed through the C++ API).
#include <charconv>
#include <cmath>
#include <string>

#include "mnscreen/screener.hpp"

namespace mnscreen {
namespace {

std::string num(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

std::string idx(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

template <class E>
bool valid(E e) noexcept {
  return parse_code<E>(to_string(e)).has_value();
}

class checker {
 public:
  void error(std::string path, std::string message, std::string code = "out_of_range") {
    out.push_back({severity::error, std::move(code), std::move(path), std::move(message)});
  }
  template <class E>
  void code(const std::string& path, E e) {
    if (!valid(e))
      error(path, std::to_string(static_cast<unsigned>(e)) + " is not a valid code", "unknown_code");
  }
  void day(const std::string& path, const date& d) {
    if (!d.ok()) error(path, "not a calendar date", "invalid_date");
  }
  void day(const std::string& path, const std::optional<date>& d) {
    if (d) day(path, *d);
  }
  void sites(const std::string& path, const std::vector<area>& areas) {
    for (std::size_t i = 0; i < areas.size(); ++i) code(idx(path, i), areas[i]);
  }
  std::vector<diagnostic> out;
};

struct lab_range {
  double min, max;
  std::string_view what;
};

lab_range range_of(lab_code c) noexcept {
  switch (c) {
    case lab_code::hba1c: return {3.0, 20.0, "an HbA1c in 3..20 %"};
    case lab_code::inr: return {0.5, 20.0, "an INR in 0.5..20"};
    case lab_code::platelets: return {0.0, 2000.0, "a platelet count in 0..2000 x10^9/L"};
    case lab_code::cd4: return {0.0, 5000.0, "a CD4 count in 0..5000 cells/uL"};
  }
  return {0.0, 0.0, "a known lab"};
}

}  // namespace

std::vector<diagnostic> validate(const intake& in) {
  checker c;
  const auto& p = in.patient;
  c.day("$.patient.birth_date", p.birth_date);
  if (p.sex) c.code("$.patient.sex", *p.sex);
  if (p.fitzpatrick && (*p.fitzpatrick < 1 || *p.fitzpatrick > 6))
    c.error("$.patient.fitzpatrick",
            std::to_string(*p.fitzpatrick) + " is not a Fitzpatrick type in 1..6");
  for (std::size_t i = 0; i < in.conditions.size(); ++i) {
    const auto& x = in.conditions[i];
    const std::string path = idx("$.conditions", i);
    c.code(path + ".code", x.code);
    c.code(path + ".status", x.status);
    if (x.severity) c.code(path + ".severity", *x.severity);
    c.day(path + ".onset", x.onset);
    c.sites(path + ".sites", x.sites);
  }
  for (std::size_t i = 0; i < in.medications.size(); ++i) {
    const auto& m = in.medications[i];
    const std::string path = idx("$.medications", i);
    c.code(path + ".code", m.code);
    if (m.route) c.code(path + ".route", *m.route);
    c.day(path + ".start", m.start);
    c.day(path + ".stop", m.stop);
    if (m.start && m.stop && m.start->ok() && m.stop->ok() &&
        std::chrono::sys_days{*m.stop} < std::chrono::sys_days{*m.start})
      c.error(path + ".stop", to_string(*m.stop) + " is before the start date " +
                                  to_string(*m.start));
    c.sites(path + ".sites", m.sites);
  }
  for (std::size_t i = 0; i < in.allergies.size(); ++i) {
    const auto& a = in.allergies[i];
    const std::string path = idx("$.allergies", i);
    c.code(path + ".substance", a.substance);
    if (a.severity) c.code(path + ".severity", *a.severity);
  }
  for (std::size_t i = 0; i < in.devices.size(); ++i) {
    const std::string path = idx("$.devices", i);
    c.code(path + ".code", in.devices[i].code);
    c.sites(path + ".sites", in.devices[i].sites);
  }
  for (std::size_t i = 0; i < in.procedures.size(); ++i) {
    const auto& x = in.procedures[i];
    const std::string path = idx("$.procedures", i);
    c.code(path + ".code", x.code);
    c.day(path + ".date", x.date);
    c.sites(path + ".areas", x.areas);
    if (x.depth) c.code(path + ".depth", *x.depth);
  }
  for (std::size_t i = 0; i < in.labs.size(); ++i) {
    const auto& l = in.labs[i];
    const std::string path = idx("$.labs", i);
    c.code(path + ".code", l.code);
    c.day(path + ".date", l.date);
    const lab_range r = range_of(l.code);
    if (!std::isfinite(l.value) || l.value < r.min || l.value > r.max)
      c.error(path + ".value", num(l.value) + " is not " + std::string(r.what));
  }
  return std::move(c.out);
}

std::vector<diagnostic> validate(const procedure_plan& plan) {
  checker c;
  c.day("$.date", plan.date);
  c.code("$.device", plan.device);
  const double depth = plan.needle_depth.value();
  if (!(depth > 0.0 && depth <= 4.0))
    c.error("$.needle_depth_mm", num(depth) + " is not a depth in (0, 4] mm");
  if (plan.areas.empty()) c.error("$.areas", "no area is planned", "missing_field");
  c.sites("$.areas", plan.areas);
  c.code("$.anesthetic", plan.anesthetic);
  c.code("$.setting", plan.setting);
  c.code("$.needle_material", plan.needle_material);
  for (std::size_t i = 0; i < plan.adjuncts.size(); ++i) c.code(idx("$.adjuncts", i), plan.adjuncts[i]);
  return std::move(c.out);
}

}  // namespace mnscreen
