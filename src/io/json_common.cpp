// SPDX-License-Identifier: Apache-2.0
// Parsing a document under the read limits (on the handler of src/json), the diagnostics context
// of a read, validate()'s diagnostics mapped to JSON paths, the typed value conversions, the
// object reader and the lab units; paths, escaping and the writer are in src/json/text.cpp.
#include "io/json_common.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "lab_units.hpp"
#include "utf8.hpp"

namespace mnscreen::io {
namespace {

// The whole length named by the writers' cut marker (`… [cut, 70000 bytes in all]`) at the end
// of `s`, or nothing when `s` does not end with one.
std::optional<std::size_t> cut_total(std::string_view s) noexcept {
  constexpr std::string_view head = cut_marker_head;
  constexpr std::string_view tail = cut_marker_tail;
  if (s.size() < head.size() + tail.size() + 1 || s.substr(s.size() - tail.size()) != tail)
    return std::nullopt;
  const std::size_t digits_end = s.size() - tail.size();
  std::size_t digits_begin = digits_end;
  while (digits_begin > 0 && s[digits_begin - 1] >= '0' && s[digits_begin - 1] <= '9')
    --digits_begin;
  if (digits_begin == digits_end || digits_begin < head.size() ||
      s.substr(digits_begin - head.size(), head.size()) != head)
    return std::nullopt;
  std::size_t total = 0;
  const auto [end, ec] = std::from_chars(s.data() + digits_begin, s.data() + digits_end, total);
  if (ec != std::errc{}) return std::nullopt;
  return total;
}

// Replaces the vector index after `map.array_path` in `path` by the JSON index.
void remap_index(std::string& path, const index_map& map) {
  const std::string prefix = map.array_path + "[";
  if (path.compare(0, prefix.size(), prefix) != 0) return;
  const std::size_t close = path.find(']', prefix.size());
  if (close == std::string::npos) return;
  std::size_t index = 0;
  const char* first = path.data() + prefix.size();
  const char* last = path.data() + close;
  auto [end, ec] = std::from_chars(first, last, index);
  if (ec != std::errc{} || end != last || index >= map.json_index.size()) return;
  path.replace(prefix.size(), close - prefix.size(), std::to_string(map.json_index[index]));
}

std::string with_consequence(std::string message, std::string_view consequence) {
  if (!consequence.empty()) {
    message += "; ";
    message += consequence;
  }
  return message;
}

}  // namespace

// --- parsing ---------------------------------------------------------------------------------

std::optional<json::value> parse_document(std::string_view text, context& ctx,
                                          json::storage_ptr sp) {
  const read_limits& limits = ctx.limits();
  if (text.size() > limits.max_bytes) {
    ctx.fatal("document_too_large", "$",
              "the document is " + std::to_string(text.size()) + " bytes, over the limit of " +
                  std::to_string(limits.max_bytes) + "; it was not read");
    return std::nullopt;
  }
  json_detail::parsed doc = json_detail::parse(text, limits.max_depth, std::move(sp));
  if (!doc.value) {
    const std::string where =
        "line " + std::to_string(doc.line) + ", column " + std::to_string(doc.column);
    if (doc.error == json::error::too_deep) {
      ctx.fatal("too_deep", "$",
                "nesting deeper than " + std::to_string(limits.max_depth) + " levels at " + where +
                    "; the document was not read");
    } else {
      ctx.fatal("malformed_json", "$",
                "malformed JSON at " + where + ": " + doc.error.message() +
                    "; the document was not read");
    }
    return std::nullopt;
  }
  for (std::string& path : doc.duplicate_keys)
    ctx.error("duplicate_key", std::move(path), std::string(json_detail::duplicate_key_message));
  return std::move(doc.value);
}

const json::object* root_object(const json::value& doc, context& ctx) {
  if (doc.is_object()) return &doc.get_object();
  ctx.fatal("wrong_type", "$",
            "the document is " + std::string(kind_name(doc)) +
                ", expected an object; the document was not read");
  return nullptr;
}

// --- context ---------------------------------------------------------------------------------

void context::warning(std::string code, std::string path, std::string message) {
  diagnostics_.push_back({severity::warning, std::move(code), std::move(path), std::move(message)});
}
void context::error(std::string code, std::string path, std::string message) {
  diagnostics_.push_back({severity::error, std::move(code), std::move(path), std::move(message)});
}
void context::fatal(std::string code, std::string path, std::string message) {
  diagnostics_.push_back({severity::fatal, std::move(code), std::move(path), std::move(message)});
}

void append_validation(context& ctx, std::vector<diagnostic> found,
                       const std::vector<index_map>& maps) {
  // Sorted paths of the reader's errors, so that a document with many problems stays linear-ish.
  std::vector<std::string> error_paths;
  for (const auto& d : ctx.diagnostics()) {
    // These leave the values they name in place, so range problems there are still news.
    if (d.severity == severity::warning || d.code == "array_too_long" || d.code == "duplicate_key")
      continue;
    error_paths.push_back(d.path);
  }
  std::sort(error_paths.begin(), error_paths.end());
  const auto reported = [&](std::string_view path) {
    // The path itself or any enclosing path (`$.a[1]` encloses `$.a[1].b`).
    for (std::size_t i = 1; i <= path.size(); ++i) {
      if (i < path.size() && path[i] != '.' && path[i] != '[') continue;
      if (std::binary_search(error_paths.begin(), error_paths.end(), path.substr(0, i),
                             std::less<>{}))
        return true;
    }
    return false;
  };
  for (auto& d : found) {
    for (const auto& m : maps) remap_index(d.path, m);
    if (reported(d.path)) continue;
    ctx.diagnostics().push_back(std::move(d));
  }
}

// --- conversions -----------------------------------------------------------------------------

void wrong_type(context& ctx, const jpath& path, const json::value& v, std::string_view expected,
                std::string_view consequence) {
  ctx.error("wrong_type", path,
            with_consequence(describe(v) + " is " + std::string(kind_name(v)) + ", expected " +
                                 std::string(expected),
                             consequence));
}

void unknown_code(context& ctx, const jpath& path, std::string_view word, std::string_view noun,
                  std::string_view consequence) {
  ctx.error("unknown_code", path,
            with_consequence(quoted(detail::utf8_prefix(word, max_quoted_chars)) + " is not " +
                                 std::string(noun),
                             consequence));
}

std::optional<std::string_view> as_string_view(context& ctx, const json::value& v,
                                               const jpath& path, std::string_view consequence) {
  if (!v.is_string()) {
    wrong_type(ctx, path, v, "a string", consequence);
    return std::nullopt;
  }
  const json::string& s = v.get_string();
  if (s.size() > ctx.limits().max_string_length) {
    ctx.error(
        "string_too_long", path,
        with_consequence("a string of " + std::to_string(s.size()) + " bytes, over the limit of " +
                             std::to_string(ctx.limits().max_string_length),
                         consequence.empty() ? "it was dropped" : consequence));
    return std::nullopt;
  }
  const std::string_view text(s.data(), s.size());
  if (const auto total = cut_total(text))
    ctx.warning("string_too_long", path,
                "the string was cut when it was written (" + std::to_string(*total) +
                    " bytes in all, over the writers' limit of " +
                    std::to_string(max_written_string) + "); it was read as cut");
  return text;
}

std::optional<std::string> as_string(context& ctx, const json::value& v, const jpath& path,
                                     std::string_view consequence) {
  if (const auto text = as_string_view(ctx, v, path, consequence)) return std::string(*text);
  return std::nullopt;
}

std::optional<double> as_number(context& ctx, const json::value& v, const jpath& path,
                                std::string_view consequence) {
  switch (v.kind()) {
    case json::kind::int64:
      return static_cast<double>(v.get_int64());
    case json::kind::uint64:
      return static_cast<double>(v.get_uint64());
    case json::kind::double_:
      // A number too large for a double (1e400) reads as infinity; JSON cannot mean that.
      if (!std::isfinite(v.get_double())) {
        ctx.error("out_of_range", path,
                  with_consequence("the number is too large to represent (it overflows to "
                                   "infinity)",
                                   consequence));
        return std::nullopt;
      }
      return v.get_double();
    default:
      wrong_type(ctx, path, v, "a number", consequence);
      return std::nullopt;
  }
}

std::optional<int> as_int(context& ctx, const json::value& v, const jpath& path,
                          std::string_view consequence) {
  constexpr auto lo = static_cast<double>(std::numeric_limits<int>::min());
  constexpr auto hi = static_cast<double>(std::numeric_limits<int>::max());
  const auto d = as_number(ctx, v, path, consequence);
  if (!d) return std::nullopt;
  if (std::isfinite(*d) && *d != std::floor(*d)) {
    ctx.error("wrong_type", path,
              with_consequence(describe(v) + " is not a whole number", consequence));
    return std::nullopt;
  }
  if (!(*d >= lo && *d <= hi)) {
    ctx.error("out_of_range", path,
              with_consequence(describe(v) + " is far outside any allowed range", consequence));
    return std::nullopt;
  }
  return static_cast<int>(*d);
}

std::optional<bool> as_bool(context& ctx, const json::value& v, const jpath& path,
                            std::string_view consequence) {
  if (v.is_bool()) return v.get_bool();
  wrong_type(ctx, path, v, "true or false", consequence);
  return std::nullopt;
}

std::optional<date> as_date(context& ctx, const json::value& v, const jpath& path,
                            std::string_view consequence) {
  const auto text = as_string_view(ctx, v, path, consequence);
  if (!text) return std::nullopt;
  if (auto d = parse_date(*text)) return d;
  ctx.error("invalid_date", path,
            with_consequence(quoted(detail::utf8_prefix(*text, max_quoted_chars)) +
                                 " is not a calendar date in the form YYYY-MM-DD",
                             consequence));
  return std::nullopt;
}

std::optional<array_items> as_array(context& ctx, const json::value& v, const jpath& path,
                                    std::string_view consequence) {
  if (!v.is_array()) {
    wrong_type(ctx, path, v, "an array", consequence);
    return std::nullopt;
  }
  const json::array& a = v.get_array();
  std::size_t n = a.size();
  const std::size_t limit = ctx.limits().max_array_length;
  if (n > limit) {
    ctx.error("array_too_long", path,
              "the array has " + std::to_string(n) + " items, over the limit of " +
                  std::to_string(limit) + "; the items from [" + std::to_string(limit) +
                  "] on were dropped");
    n = limit;
  }
  return std::optional<array_items>(std::in_place, a.data(), n, path);
}

std::vector<area> as_areas(context& ctx, const json::value& v, const jpath& path,
                           std::vector<std::size_t>* json_index) {
  std::vector<area> out;
  const auto elements = as_array(ctx, v, path, "the list of areas was not read");
  if (!elements) return out;
  out.reserve(elements->size());
  if (json_index) json_index->reserve(elements->size());
  for (const auto& e : *elements) {
    const auto word = as_string_view(ctx, *e.value, e.path, "the area was dropped");
    if (!word) continue;
    const auto group = parse_area_group(*word);
    if (!group) {
      unknown_code(ctx, e.path, *word, "a treatment area word or a group word (face, body)",
                   "the area was dropped");
      continue;
    }
    add_areas(out, *group, json_index, e.index);
  }
  return out;
}

void add_areas(std::vector<area>& out, area_set group, std::vector<std::size_t>* json_index,
               std::size_t index) {
  // The members in declaration order, as enum_set::to_vector() gives them, without its vector.
  first_room(out);
  if (json_index != nullptr) first_room(*json_index);
  for (std::uint64_t bits = group.bits(); bits != 0; bits &= bits - 1) {
    const auto a = static_cast<area>(std::countr_zero(bits));
    if (std::find(out.begin(), out.end(), a) != out.end()) continue;
    out.push_back(a);
    if (json_index) json_index->push_back(index);
  }
}

std::vector<std::string> as_strings(context& ctx, const json::value& v, const jpath& path) {
  std::vector<std::string> out;
  const auto elements = as_array(ctx, v, path, "the list was not read");
  if (!elements) return out;
  for (const auto& e : *elements)
    if (auto s = as_string(ctx, *e.value, e.path, "the item was dropped")) out.push_back(*s);
  return out;
}

// --- object_reader ---------------------------------------------------------------------------

void object_reader::mark(const json::key_value_pair* member) {
  const auto i = static_cast<std::size_t>(member - obj_.begin());
  if (i < 64) {
    asked_ |= std::uint64_t{1} << i;
    return;
  }
  if (asked_more_.size() <= i - 64) asked_more_.resize(obj_.size() - 64);
  asked_more_[i - 64] = true;
}

void object_reader::accept(std::string_view key) {
  const auto it = obj_.find(json::string_view(key.data(), key.size()));
  if (it != obj_.end()) mark(&*it);
}

const json::value* object_reader::find(std::string_view key) {
  const json::key_value_pair* it = nullptr;
  if (obj_.size() <= 16) {
    // Small objects (every object of the formats): a scan that compares sizes first.
    for (const auto& member : obj_) {
      const json::string_view k = member.key();
      if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0) {
        it = &member;
        break;
      }
    }
  } else {
    const auto found = obj_.find(json::string_view(key.data(), key.size()));
    if (found != obj_.end()) it = &*found;
  }
  if (it == nullptr) return nullptr;
  mark(it);
  return it->value().is_null() ? nullptr : &it->value();
}

const json::value* object_reader::require(std::string_view key, std::string_view consequence) {
  const json::value* v = find(key);
  if (!v) {
    const bool is_null = obj_.contains(json::string_view(key.data(), key.size()));
    ctx_.error(
        "missing_field", path_of(key),
        with_consequence(is_null ? "the required field is null" : "the required field is missing",
                         consequence));
  }
  return v;
}

std::optional<std::string> object_reader::get_string(std::string_view key,
                                                     std::string_view consequence) {
  const json::value* v = find(key);
  return v ? as_string(ctx_, *v, path_of(key), consequence) : std::nullopt;
}

std::optional<date> object_reader::get_date(std::string_view key, std::string_view consequence) {
  const json::value* v = find(key);
  return v ? as_date(ctx_, *v, path_of(key), consequence) : std::nullopt;
}

known object_reader::get_known(std::string_view key) {
  const json::value* v = find(key);
  if (!v) return known::unknown;
  const auto b = as_bool(ctx_, *v, path_of(key), "it was read as unknown");
  if (!b) return known::unknown;
  return *b ? known::yes : known::no;
}

void object_reader::check_schema(std::string_view expected) {
  const json::value* v = find("schema");
  if (v && v->is_string() && std::string_view(v->get_string()) == expected &&
      expected.size() <= ctx_.limits().max_string_length)
    return;
  const std::string expected_text = quoted(expected);
  if (!v) v = require("schema", "expected " + expected_text);
  if (!v) return;
  const auto text = as_string_view(ctx_, *v, path_of("schema"), "expected " + expected_text);
  if (text && *text != expected)
    ctx_.error("wrong_schema", path_of("schema"),
               quoted(detail::utf8_prefix(*text, max_quoted_chars)) + " is not " + expected_text +
                   "; the document was read as " + std::string(expected) + " anyway");
}

void object_reader::finish() {
  std::size_t i = 0;
  for (const auto& member : obj_) {
    const bool asked =
        i < 64 ? (asked_ >> i & 1U) != 0 : i - 64 < asked_more_.size() && asked_more_[i - 64];
    ++i;
    if (asked) continue;
    const std::string_view key(member.key().data(), member.key().size());
    ctx_.warning("unknown_key", path_of(key), "unknown key, ignored");
  }
}

// --- lab units -------------------------------------------------------------------------------

std::string_view canonical_unit(lab_code c) noexcept { return detail::lab_units_of(c).canonical; }

std::optional<double> to_canonical_unit(lab_code c, std::string_view unit, double value) noexcept {
  if (detail::is_canonical_unit(c, unit)) return value;
  // IFCC (mmol/mol) to NGSP (%) master equation.
  if (c == lab_code::hba1c && unit == "mmol/mol") return value * 0.09148 + 2.152;
  return std::nullopt;
}

// --- diagnostics as JSON -------------------------------------------------------------------

json::array diagnostics_array(const std::vector<diagnostic>& ds) {
  json::array list;
  list.reserve(ds.size());
  for (const auto& d : ds) {
    json::object o;
    o["severity"] = to_string(d.severity);
    o["code"] = d.code;
    o["path"] = d.path;
    o["message"] = d.message;
    list.push_back(std::move(o));
  }
  return list;
}
}  // namespace mnscreen::io
