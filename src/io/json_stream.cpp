// SPDX-License-Identifier: Apache-2.0
// The streaming readers of the intake and plan documents (json_stream.hpp): one Boost.JSON
// `basic_parser` handler that fills `intake` or `procedure_plan` as the parser's events arrive,
// without a tree. It accepts a document only when the tree reader (json_read.cpp) would read it
// without a diagnostic of its own, and stops at the first sign that it would not: a key it does
// not know or meets twice, a value of another type or outside its vocabulary, a required field
// that is missing or null, a string or array over its limit, a cut marker, an unknown lab unit
// or rule id, malformed JSON. Stopping is always safe (the tree reader then reads the document
// and says what is wrong); accepting must give exactly the tree reader's value, so every check
// below mirrors a check of json_read.cpp or json_common.cpp, which the comments name. The same
// handler reads a document at the start of a longer text (stream_leading_*: a batch line's
// member), stopping after the one value; only there may a document leave out its `schema`.
//
// Over the ~600-line mark on purpose: one handler, whose checks (the per-object member setters)
// are read against its state and against the tree reader's checks; split, each check would sit
// away from the state it reads and from the list of what the reader must refuse.
#include "io/json_stream.hpp"

#include <array>
#include <boost/json/basic_parser_impl.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "mnscreen/rules.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen::io {
namespace {

namespace json = boost::json;

// The objects of the two formats and their keys (formats.md), in the order of the enums below.
enum class object_kind : std::uint8_t {
  intake,
  patient,
  condition,
  medication,
  allergy,
  device,
  procedure,
  lab,
  plan,
  plan_override,
};

// Arrays: the lists of items, and the lists of words.
enum class array_kind : std::uint8_t {
  conditions,
  medications,
  allergies,
  devices,
  procedures,
  labs,
  overrides,
  negatives,
  areas,       // `sites` of an item, `areas` of a procedure: into a std::vector<area>
  plan_areas,  // `areas` of the plan: also where each area came from
  adjuncts,
};

namespace intake_key {
enum : std::uint8_t {
  schema,
  patient,
  conditions,
  medications,
  allergies,
  devices,
  procedures,
  labs,
  negatives
};
constexpr std::array<std::string_view, 9> names = {"schema",      "patient",   "conditions",
                                                   "medications", "allergies", "devices",
                                                   "procedures",  "labs",      "negatives"};
}  // namespace intake_key

namespace patient_key {
enum : std::uint8_t { id, birth_date, sex, fitzpatrick, pregnant, breastfeeding, smoker };
constexpr std::array<std::string_view, 7> names = {
    "id", "birth_date", "sex", "fitzpatrick", "pregnant", "breastfeeding", "smoker"};
}  // namespace patient_key

namespace condition_key {
enum : std::uint8_t { code, status, severity, onset, sites, source };
constexpr std::array<std::string_view, 6> names = {"code",  "status", "severity",
                                                   "onset", "sites",  "source"};
}  // namespace condition_key

namespace medication_key {
enum : std::uint8_t { code, route, start, stop, sites, source };
constexpr std::array<std::string_view, 6> names = {"code", "route", "start",
                                                   "stop", "sites", "source"};
}  // namespace medication_key

namespace allergy_key {
enum : std::uint8_t { substance, reaction, severity, source };
constexpr std::array<std::string_view, 4> names = {"substance", "reaction", "severity", "source"};
}  // namespace allergy_key

namespace device_key {
enum : std::uint8_t { code, sites, source };
constexpr std::array<std::string_view, 3> names = {"code", "sites", "source"};
}  // namespace device_key

namespace procedure_key {
enum : std::uint8_t { code, date, areas, depth, source };
constexpr std::array<std::string_view, 5> names = {"code", "date", "areas", "depth", "source"};
}  // namespace procedure_key

namespace lab_key {
enum : std::uint8_t { code, value, date, unit, source };
constexpr std::array<std::string_view, 5> names = {"code", "value", "date", "unit", "source"};
}  // namespace lab_key

namespace plan_key {
enum : std::uint8_t {
  schema,
  date,
  device,
  needle_depth_mm,
  areas,
  anesthetic,
  setting,
  needle_material,
  single_use_needles,
  adjuncts,
  overrides
};
constexpr std::array<std::string_view, 11> names = {
    "schema",     "date",    "device",          "needle_depth_mm",    "areas",
    "anesthetic", "setting", "needle_material", "single_use_needles", "adjuncts",
    "overrides"};
}  // namespace plan_key

namespace override_key {
enum : std::uint8_t { rule_id, reason, by, note, date };
constexpr std::array<std::string_view, 5> names = {"rule_id", "reason", "by", "note", "date"};
}  // namespace override_key

constexpr std::uint32_t bit(unsigned key) noexcept { return std::uint32_t{1} << key; }

// The keys each object must have with a non-null value (`require` in json_read.cpp).
constexpr std::uint32_t required_keys(object_kind k) noexcept {
  switch (k) {
    case object_kind::intake:
      return bit(intake_key::schema);
    case object_kind::patient:
      return 0;
    case object_kind::condition:
      return bit(condition_key::code);
    case object_kind::medication:
      return bit(medication_key::code);
    case object_kind::allergy:
      return bit(allergy_key::substance);
    case object_kind::device:
      return bit(device_key::code);
    case object_kind::procedure:
      return bit(procedure_key::code) | bit(procedure_key::date);
    case object_kind::lab:
      return bit(lab_key::code) | bit(lab_key::value) | bit(lab_key::date);
    case object_kind::plan:
      return bit(plan_key::schema) | bit(plan_key::date) | bit(plan_key::device) |
             bit(plan_key::needle_depth_mm) | bit(plan_key::areas) | bit(plan_key::anesthetic) |
             bit(plan_key::setting);
    case object_kind::plan_override:
      return bit(override_key::rule_id) | bit(override_key::reason);
  }
  return 0;
}

template <std::size_t N>
int find_key(const std::array<std::string_view, N>& names, std::string_view key) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == key) return static_cast<int>(i);
  return -1;
}

int key_index(object_kind k, std::string_view key) noexcept {
  switch (k) {
    case object_kind::intake:
      return find_key(intake_key::names, key);
    case object_kind::patient:
      return find_key(patient_key::names, key);
    case object_kind::condition:
      return find_key(condition_key::names, key);
    case object_kind::medication:
      return find_key(medication_key::names, key);
    case object_kind::allergy:
      return find_key(allergy_key::names, key);
    case object_kind::device:
      return find_key(device_key::names, key);
    case object_kind::procedure:
      return find_key(procedure_key::names, key);
    case object_kind::lab:
      return find_key(lab_key::names, key);
    case object_kind::plan:
      return find_key(plan_key::names, key);
    case object_kind::plan_override:
      return find_key(override_key::names, key);
  }
  return -1;
}

// One scalar value as the parser gave it.
struct scalar {
  enum class type : std::uint8_t { string, integer, number, boolean, null } t;
  std::string_view s;
  double d = 0.0;
  std::int64_t i = 0;
  bool b = false;
};

// The tree reader's conversions, accepting only what they accept without a diagnostic.
// as_string_view: a string (the handler has checked its length and cut marker).
[[nodiscard]] bool as_text(const scalar& v, std::string& out) {
  if (v.t != scalar::type::string) return false;
  out.assign(v.s);
  return true;
}
template <class E>
[[nodiscard]] bool as_word(const scalar& v, E& out) noexcept {
  if (v.t != scalar::type::string) return false;
  const auto e = parse_code<E>(v.s);
  if (!e) return false;
  out = *e;
  return true;
}
template <class E>
[[nodiscard]] bool as_word(const scalar& v, std::optional<E>& out) noexcept {
  E e{};
  if (!as_word(v, e)) return false;
  out = e;
  return true;
}
[[nodiscard]] bool as_day(const scalar& v, date& out) noexcept {
  if (v.t != scalar::type::string) return false;
  const auto d = parse_date(v.s);
  if (!d) return false;
  out = *d;
  return true;
}
[[nodiscard]] bool as_day(const scalar& v, std::optional<date>& out) noexcept {
  date d{};
  if (!as_day(v, d)) return false;
  out = d;
  return true;
}
// as_number: any finite number (the handler refuses non-finite ones).
[[nodiscard]] bool as_real(const scalar& v, double& out) noexcept {
  if (v.t != scalar::type::integer && v.t != scalar::type::number) return false;
  out = v.d;
  return true;
}
// get_known: true or false (null never gets here).
[[nodiscard]] bool as_known(const scalar& v, known& out) noexcept {
  if (v.t != scalar::type::boolean) return false;
  out = v.b ? known::yes : known::no;
  return true;
}

class stream_handler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  stream_handler(const read_limits& limits, intake* in, procedure_plan* plan, index_map* plan_areas,
                 bool schema_optional)
      : limits_(limits),
        intake_(in),
        plan_(plan),
        plan_areas_(plan_areas),
        schema_optional_(schema_optional) {}

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code& ec) {
    if (depth_ == 0) {
      if (intake_ != nullptr) return push_object(object_kind::intake, intake_, ec);
      return push_object(object_kind::plan, plan_, ec);
    }
    frame& top = frames_[depth_ - 1];
    if (!top.is_array) {
      // The only object-valued member: the patient (read_intake).
      if (top.object != object_kind::intake || top.key != intake_key::patient) return fail(ec);
      top.present |= bit(top.key);
      return push_object(object_kind::patient, &intake_->patient, ec);
    }
    if (!count_item(top)) return fail(ec);
    switch (top.array) {
      case array_kind::conditions:
        return push_object(object_kind::condition, &first_room(intake_->conditions).emplace_back(),
                           ec);
      case array_kind::medications:
        return push_object(object_kind::medication,
                           &first_room(intake_->medications).emplace_back(), ec);
      case array_kind::allergies:
        return push_object(object_kind::allergy, &first_room(intake_->allergies).emplace_back(),
                           ec);
      case array_kind::devices:
        return push_object(object_kind::device, &first_room(intake_->devices).emplace_back(), ec);
      case array_kind::procedures:
        return push_object(object_kind::procedure, &first_room(intake_->procedures).emplace_back(),
                           ec);
      case array_kind::labs:
        unit_set_ = false;
        return push_object(object_kind::lab, &first_room(intake_->labs).emplace_back(), ec);
      case array_kind::overrides:
        return push_object(object_kind::plan_override, &first_room(plan_->overrides).emplace_back(),
                           ec);
      default:
        // An object in a list of words (wrong_type).
        return fail(ec);
    }
  }

  bool on_object_end(std::size_t, json::error_code& ec) {
    const frame& top = frames_[depth_ - 1];
    std::uint32_t required = required_keys(top.object);
    // `schema` is bit 0 of both roots; left out, the tree reader reports only missing_field.
    if (schema_optional_ && depth_ == 1) required &= ~bit(0);
    if ((top.present & required) != required) return fail(ec);  // missing_field
    if (top.object == object_kind::lab && !finish_lab(*static_cast<lab_result*>(top.target)))
      return fail(ec);
    --depth_;
    return true;
  }

  bool on_array_begin(json::error_code& ec) {
    if (depth_ == 0) return fail(ec);
    frame& top = frames_[depth_ - 1];
    if (top.is_array) return fail(ec);  // an array in a list
    top.present |= bit(top.key);
    switch (top.object) {
      case object_kind::intake:
        switch (top.key) {
          case intake_key::conditions:
            return push_array(array_kind::conditions, nullptr, ec);
          case intake_key::medications:
            return push_array(array_kind::medications, nullptr, ec);
          case intake_key::allergies:
            return push_array(array_kind::allergies, nullptr, ec);
          case intake_key::devices:
            return push_array(array_kind::devices, nullptr, ec);
          case intake_key::procedures:
            return push_array(array_kind::procedures, nullptr, ec);
          case intake_key::labs:
            return push_array(array_kind::labs, nullptr, ec);
          case intake_key::negatives:
            return push_array(array_kind::negatives, nullptr, ec);
          default:
            return fail(ec);
        }
      case object_kind::condition:
        if (top.key != condition_key::sites) return fail(ec);
        return push_array(array_kind::areas, &static_cast<condition*>(top.target)->sites, ec);
      case object_kind::medication:
        if (top.key != medication_key::sites) return fail(ec);
        return push_array(array_kind::areas, &static_cast<medication*>(top.target)->sites, ec);
      case object_kind::device:
        if (top.key != device_key::sites) return fail(ec);
        return push_array(array_kind::areas, &static_cast<implanted_device*>(top.target)->sites,
                          ec);
      case object_kind::procedure:
        if (top.key != procedure_key::areas) return fail(ec);
        return push_array(array_kind::areas, &static_cast<prior_procedure*>(top.target)->areas, ec);
      case object_kind::plan:
        switch (top.key) {
          case plan_key::areas:
            return push_array(array_kind::plan_areas, &plan_->areas, ec);
          case plan_key::adjuncts:
            return push_array(array_kind::adjuncts, nullptr, ec);
          case plan_key::overrides:
            return push_array(array_kind::overrides, nullptr, ec);
          default:
            return fail(ec);
        }
      default:
        return fail(ec);
    }
  }

  bool on_array_end(std::size_t, json::error_code&) {
    --depth_;
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_buffer_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    std::string_view key(s.data(), s.size());
    if (!key_buffer_.empty()) {
      key_buffer_.append(key);
      key = key_buffer_;
    }
    frame& top = frames_[depth_ - 1];
    const int found = key_index(top.object, key);
    key_buffer_.clear();
    if (found < 0) return fail(ec);  // unknown_key
    const auto k = static_cast<unsigned>(found);
    if ((top.seen & bit(k)) != 0) return fail(ec);  // duplicate_key
    top.seen |= bit(k);
    top.key = static_cast<std::uint8_t>(k);
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    text_buffer_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    std::string_view text(s.data(), s.size());
    if (!text_buffer_.empty()) {
      text_buffer_.append(text);
      text = text_buffer_;
    }
    // as_string_view: over the limit is an error, a cut marker a warning, wherever it is read.
    if (text.size() > limits_.max_string_length || text.ends_with(cut_marker_tail)) return fail(ec);
    scalar v{scalar::type::string, text};
    const bool ok = value(v);
    text_buffer_.clear();
    return ok || fail(ec);
  }

  bool on_number_part(json::string_view s, json::error_code&) {
    number_buffer_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code& ec) {
    number_buffer_.clear();
    scalar v{scalar::type::integer};
    v.i = i;
    v.d = static_cast<double>(i);
    return value(v) || fail(ec);
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code& ec) {
    number_buffer_.clear();
    scalar v{scalar::type::number};
    v.d = static_cast<double>(u);
    return value(v) || fail(ec);
  }
  bool on_double(double d, json::string_view s, json::error_code& ec) {
    // As the tree's handler (json/parse.cpp); as_number then refuses what is not finite.
    std::string_view text(s.data(), s.size());
    if (!number_buffer_.empty()) {
      number_buffer_.append(text);
      text = number_buffer_;
    }
    scalar v{scalar::type::number};
    v.d = json_detail::exact_double(text, d);
    number_buffer_.clear();
    if (!std::isfinite(v.d)) return fail(ec);
    return value(v) || fail(ec);
  }
  bool on_bool(bool b, json::error_code& ec) {
    scalar v{scalar::type::boolean};
    v.b = b;
    return value(v) || fail(ec);
  }
  bool on_null(json::error_code& ec) { return value(scalar{scalar::type::null}) || fail(ec); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  struct frame {
    bool is_array = false;
    object_kind object = object_kind::intake;
    array_kind array = array_kind::conditions;
    std::uint8_t key = 0;       // the member being read (objects)
    std::uint32_t seen = 0;     // keys met (objects)
    std::uint32_t present = 0;  // keys met with a value other than null (objects)
    std::size_t count = 0;      // items so far (arrays)
    void* target = nullptr;     // the struct being filled, or the area list
  };

  // The formats nest four levels at most (intake, list, item, sites).
  static constexpr std::size_t max_frames = 4;

  static bool fail(json::error_code& ec) {
    ec = json::error::exception;  // any error: the tree reader takes over
    return false;
  }

  bool push_object(object_kind k, void* target, json::error_code& ec) {
    if (depth_ == max_frames) return fail(ec);
    frames_[depth_++] = frame{false, k, array_kind::conditions, 0, 0, 0, 0, target};
    return true;
  }
  bool push_array(array_kind k, void* target, json::error_code& ec) {
    if (depth_ == max_frames) return fail(ec);
    frames_[depth_++] = frame{true, object_kind::intake, k, 0, 0, 0, 0, target};
    return true;
  }
  // as_array: at most max_array_length items (more is an error).
  [[nodiscard]] bool count_item(frame& f) const noexcept {
    return ++f.count <= limits_.max_array_length;
  }

  // A scalar value: a member of the top object or an item of the top array.
  bool value(const scalar& v) {
    if (depth_ == 0) return false;  // the root must be an object
    frame& top = frames_[depth_ - 1];
    if (top.is_array) return item(top, v);
    if (v.t == scalar::type::null)
      return true;  // find(): null is absent; require() is checked at the end
    top.present |= bit(top.key);
    return member(top, v);
  }

  // An item of a list of words; objects are read by on_object_begin.
  bool item(frame& f, const scalar& v) {
    if (!count_item(f) || v.t != scalar::type::string) return false;
    switch (f.array) {
      case array_kind::negatives: {
        const auto n = parse_negative(v.s);
        if (!n) return false;
        first_room(intake_->negatives).push_back(*n);
        return true;
      }
      case array_kind::areas:
        return add_areas(*static_cast<std::vector<area>*>(f.target), v.s, nullptr, 0);
      case array_kind::plan_areas:
        return add_areas(plan_->areas, v.s, &plan_areas_->json_index, f.count - 1);
      case array_kind::adjuncts: {
        const auto a = parse_code<adjunct>(v.s);
        if (!a) return false;
        plan_->adjuncts.push_back(*a);
        return true;
      }
      default:
        return false;  // a scalar where an item object belongs (wrong_type)
    }
  }

  // as_areas: area and group words expanded in declaration order, duplicates left out.
  static bool add_areas(std::vector<area>& out, std::string_view word,
                        std::vector<std::size_t>* json_index, std::size_t index) {
    const auto group = parse_area_group(word);
    if (!group) return false;
    io::add_areas(out, *group, json_index, index);
    return true;
  }

  // A member of an object with a non-null scalar value, as read_* of json_read.cpp read it.
  bool member(frame& f, const scalar& v) {
    switch (f.object) {
      case object_kind::intake:
        // check_schema; the other members are objects and arrays.
        return f.key == intake_key::schema && v.t == scalar::type::string &&
               v.s == "mnscreen.intake/1";
      case object_kind::patient: {
        auto& p = *static_cast<patient_info*>(f.target);
        switch (f.key) {
          case patient_key::id:
            return as_text(v, p.id);
          case patient_key::birth_date:
            return as_day(v, p.birth_date);
          case patient_key::sex:
            return as_word(v, p.sex);
          case patient_key::fitzpatrick:
            // as_int; whole numbers written with a fraction (3.0) are left to the tree reader.
            if (v.t != scalar::type::integer || v.i < std::numeric_limits<int>::min() ||
                v.i > std::numeric_limits<int>::max())
              return false;
            p.fitzpatrick = static_cast<int>(v.i);
            return true;
          case patient_key::pregnant:
            return as_known(v, p.pregnant);
          case patient_key::breastfeeding:
            return as_known(v, p.breastfeeding);
          case patient_key::smoker:
            return as_known(v, p.smoker);
          default:
            return false;
        }
      }
      case object_kind::condition: {
        auto& c = *static_cast<condition*>(f.target);
        switch (f.key) {
          case condition_key::code:
            return as_word(v, c.code);
          case condition_key::status:
            return as_word(v, c.status);
          case condition_key::severity:
            return as_word(v, c.severity);
          case condition_key::onset:
            return as_day(v, c.onset);
          case condition_key::source:
            return as_text(v, c.source);
          default:
            return false;  // sites: not a list
        }
      }
      case object_kind::medication: {
        auto& m = *static_cast<medication*>(f.target);
        switch (f.key) {
          case medication_key::code:
            return as_word(v, m.code);
          case medication_key::route:
            return as_word(v, m.route);
          case medication_key::start:
            return as_day(v, m.start);
          case medication_key::stop:
            return as_day(v, m.stop);
          case medication_key::source:
            return as_text(v, m.source);
          default:
            return false;
        }
      }
      case object_kind::allergy: {
        auto& a = *static_cast<allergy*>(f.target);
        switch (f.key) {
          case allergy_key::substance:
            return as_word(v, a.substance);
          case allergy_key::reaction:
            return as_text(v, a.reaction);
          case allergy_key::severity:
            return as_word(v, a.severity);
          case allergy_key::source:
            return as_text(v, a.source);
          default:
            return false;
        }
      }
      case object_kind::device: {
        auto& d = *static_cast<implanted_device*>(f.target);
        switch (f.key) {
          case device_key::code:
            return as_word(v, d.code);
          case device_key::source:
            return as_text(v, d.source);
          default:
            return false;
        }
      }
      case object_kind::procedure: {
        auto& p = *static_cast<prior_procedure*>(f.target);
        switch (f.key) {
          case procedure_key::code:
            return as_word(v, p.code);
          case procedure_key::date:
            return as_day(v, p.date);
          case procedure_key::depth:
            return as_word(v, p.depth);
          case procedure_key::source:
            return as_text(v, p.source);
          default:
            return false;
        }
      }
      case object_kind::lab: {
        auto& l = *static_cast<lab_result*>(f.target);
        switch (f.key) {
          case lab_key::code:
            return as_word(v, l.code);
          case lab_key::value:
            return as_real(v, l.value);
          case lab_key::date:
            return as_day(v, l.date);
          case lab_key::unit:
            unit_set_ = as_text(v, unit_);
            return unit_set_;
          case lab_key::source:
            return as_text(v, l.source);
          default:
            return false;
        }
      }
      case object_kind::plan: {
        auto& p = *plan_;
        switch (f.key) {
          case plan_key::schema:
            return v.t == scalar::type::string && v.s == "mnscreen.plan/1";
          case plan_key::date:
            return as_day(v, p.date);
          case plan_key::device:
            return as_word(v, p.device);
          case plan_key::needle_depth_mm: {
            double mm = 0.0;
            if (!as_real(v, mm)) return false;
            p.needle_depth = millimetres{mm};
            return true;
          }
          case plan_key::anesthetic:
            return as_word(v, p.anesthetic);
          case plan_key::setting:
            return as_word(v, p.setting);
          case plan_key::needle_material:
            return as_word(v, p.needle_material);
          case plan_key::single_use_needles:
            return as_known(v, p.single_use_needles);
          default:
            return false;  // areas, adjuncts, overrides: lists
        }
      }
      case object_kind::plan_override: {
        auto& o = *static_cast<rule_override*>(f.target);
        switch (f.key) {
          case override_key::rule_id:
            // read_override reports an id that is not in the catalogue.
            return as_text(v, o.rule_id) && find_rule(o.rule_id) != nullptr;
          case override_key::reason:
            return as_word(v, o.reason);
          case override_key::by:
            return as_text(v, o.by);
          case override_key::note:
            return as_text(v, o.note);
          case override_key::date:
            return as_day(v, o.date);
          default:
            return false;
        }
      }
    }
    return false;
  }

  // read_lab: the value in the lab's canonical unit; a unit unknown for the lab is an error.
  bool finish_lab(lab_result& l) const {
    if (!unit_set_) return true;
    const auto converted = to_canonical_unit(l.code, unit_, l.value);
    if (!converted) return false;
    l.value = *converted;
    return true;
  }

  const read_limits& limits_;
  intake* intake_;
  procedure_plan* plan_;
  index_map* plan_areas_;
  bool schema_optional_;
  std::array<frame, max_frames> frames_{};
  std::size_t depth_ = 0;
  std::string key_buffer_;     // a key given in parts
  std::string text_buffer_;    // a string given in parts
  std::string number_buffer_;  // a number given in parts
  std::string unit_;           // the unit of the lab being read
  bool unit_set_ = false;
};

// Parses the JSON value at the start of `text` with the handler; the bytes the parser took
// (the value and the whitespace after it; Boost.JSON stops there, leaving any further text), or
// nothing when the handler stopped or the JSON is malformed or incomplete.
std::optional<std::size_t> run(std::string_view text, const read_limits& limits, intake* in,
                               procedure_plan* plan, index_map* plan_areas,
                               bool schema_optional = false) {
  json::parse_options options;
  options.max_depth = limits.max_depth;
  json::basic_parser<stream_handler> parser(options, limits, in, plan, plan_areas, schema_optional);
  json::error_code ec;
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (ec) return std::nullopt;
  return consumed;
}

// A whole document: parse_document refuses one over the size limit, and any text after it.
bool whole(std::string_view text, const read_limits& limits, intake* in, procedure_plan* plan,
           index_map* plan_areas) {
  if (text.size() > limits.max_bytes) return false;
  const auto consumed = run(text, limits, in, plan, plan_areas);
  return consumed && *consumed == text.size();
}

// The document at the start of `text`: its size from its first to its last character (the
// text parse_intake / parse_plan would be given), or 0.
std::size_t leading(std::string_view text, const read_limits& limits, intake* in,
                    procedure_plan* plan, index_map* plan_areas, bool schema_optional) {
  const auto consumed = run(text, limits, in, plan, plan_areas, schema_optional);
  if (!consumed) return 0;
  std::size_t size = *consumed;
  while (size > 0 && (text[size - 1] == ' ' || text[size - 1] == '\t' || text[size - 1] == '\n' ||
                      text[size - 1] == '\r'))
    --size;
  return size <= limits.max_bytes ? size : 0;
}

// read_plan: a missing depth reads as 0 (here it is required, so always replaced).
void start_plan(procedure_plan& out, index_map& areas) {
  out.needle_depth = millimetres{0.0};
  areas.array_path = "$.areas";
}

}  // namespace

bool stream_intake(std::string_view text, const read_limits& limits, intake& out) {
  return whole(text, limits, &out, nullptr, nullptr);
}

bool stream_plan(std::string_view text, const read_limits& limits, procedure_plan& out,
                 index_map& areas) {
  start_plan(out, areas);
  return whole(text, limits, nullptr, &out, &areas);
}

std::size_t stream_leading_intake(std::string_view text, const read_limits& limits, intake& out,
                                  bool schema_optional) {
  return leading(text, limits, &out, nullptr, nullptr, schema_optional);
}

std::size_t stream_leading_plan(std::string_view text, const read_limits& limits,
                                procedure_plan& out, index_map& areas, bool schema_optional) {
  start_plan(out, areas);
  return leading(text, limits, nullptr, &out, &areas, schema_optional);
}

}  // namespace mnscreen::io
