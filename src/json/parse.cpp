// SPDX-License-Identifier: Apache-2.0
// The parse handler of the library (json/parse.hpp): builds the tree with numbers correctly
// rounded and duplicate keys reported, and says where a malformed document fails.
#include "json/parse.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "json/text.hpp"

namespace mnscreen::json_detail {
namespace {

// The parser's event handler: builds the value like Boost.JSON's own parser does, with two
// differences. Numbers with a fraction or exponent are converted with std::from_chars, which is
// correctly rounded (Boost.JSON 1.81's own conversion can be off by one unit in the last place,
// and then a written report would not read back equal). Keys given twice in one object are
// reported: Boost.JSON keeps the last one without a word, which could turn a "true" into a
// "false" unnoticed.
class document_builder {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  document_builder(std::vector<std::string>& duplicates, json::storage_ptr sp,
                   std::string_view input)
      : duplicates_(duplicates), input_(input), stack_({}, temp_, sizeof temp_) {
    stack_.reset(std::move(sp));
    frames_.reserve(16);
    keys_.reserve(64);
  }

  [[nodiscard]] json::value release() { return stack_.release(); }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) {
    frames_.push_back({false, 0, 0, keys_.size()});
    return true;
  }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack_.push_array(n);
    frames_.pop_back();
    return value_done();
  }
  bool on_object_begin(json::error_code&) {
    frames_.push_back({true, 0, 0, keys_.size()});
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    stack_.push_object(n);
    const frame& top = frames_.back();
    keys_.resize(top.first_key);
    if (top.big) big_.pop_back();
    frames_.pop_back();
    return value_done();
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_string(s);
    return value_done();
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_key(s);
    std::string_view key(s.data(), s.size());
    if (!key_.empty()) {
      key_.append(s.data(), s.size());
      key = own(key_);
      key_.clear();
    } else if (!in_input(key)) {
      key = own(key);
    }
    frame& top = frames_.back();
    // The keys of the open objects, one after another in keys_ (views of the input where the
    // key has no escapes); an object's keys are compared one by one while it is small, through
    // a set when it has many.
    bool seen = false;
    if (top.big) {
      seen = !big_.back().insert(std::string(key)).second;
    } else {
      for (std::size_t i = top.first_key; i < keys_.size() && !seen; ++i) seen = keys_[i] == key;
      if (keys_.size() - top.first_key + 1 >= max_linear_keys) {
        std::set<std::string, std::less<>> all(
            keys_.begin() + static_cast<std::ptrdiff_t>(top.first_key), keys_.end());
        all.emplace(key);
        big_.push_back(std::move(all));
        top.big = true;
      }
    }
    keys_.push_back(key);
    if (seen) duplicates_.push_back(path());
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_int64(i);
    return value_done();
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_uint64(u);
    return value_done();
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    std::string_view text(s.data(), s.size());
    if (!number_.empty()) {
      number_.append(text);
      text = number_;
    }
    // Out of range (1e400) keeps Boost.JSON's value (infinity), which as_number refuses.
    stack_.push_double(exact_double(text, d));
    number_.clear();
    return value_done();
  }
  bool on_bool(bool b, json::error_code&) {
    stack_.push_bool(b);
    return value_done();
  }
  bool on_null(json::error_code&) {
    stack_.push_null();
    return value_done();
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // Objects with more keys than this check duplicates through a set, not one by one.
  static constexpr std::size_t max_linear_keys = 32;

  struct frame {
    bool is_object;
    bool big;
    std::size_t index;
    std::size_t first_key;  // in keys_
  };

  [[nodiscard]] std::string_view key_at(std::size_t i) const noexcept { return keys_[i]; }

  [[nodiscard]] bool in_input(std::string_view s) const noexcept {
    const std::less<const char*> before;
    return !before(s.data(), input_.data()) &&
           !before(input_.data() + input_.size(), s.data() + s.size());
  }
  // A copy of a key that is not a view of the input, kept until the end of the document.
  std::string_view own(std::string_view key) {
    owned_.push_back(std::make_unique<std::string>(key));
    return *owned_.back();
  }

  bool value_done() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    return true;
  }

  // The path of the value being read: each object's latest key, each array's index.
  std::string path() const {
    std::string p = "$";
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const frame& f = frames_[i];
      if (!f.is_object) {
        p = index_path(p, f.index);
        continue;
      }
      // A deeper frame starts where this object's keys end.
      const std::size_t end = i + 1 < frames_.size() ? frames_[i + 1].first_key : keys_.size();
      if (end > f.first_key) p = member_path(p, key_at(end - 1));
    }
    return p;
  }

  std::vector<std::string>& duplicates_;  // paths of the keys given twice
  std::string_view input_;
  unsigned char temp_[2048];  // the value stack's first working space
  json::value_stack stack_;
  std::vector<frame> frames_;
  std::vector<std::string_view> keys_;                   // the keys of the open objects
  std::vector<std::unique_ptr<std::string>> owned_;      // keys that are not views of input_
  std::vector<std::set<std::string, std::less<>>> big_;  // keys of the open big objects
  std::string key_;
  std::string number_;
};

}  // namespace

double exact_double(std::string_view text, double parsed) noexcept {
  double exact = 0.0;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, exact);
  return ec == std::errc{} && end == last ? exact : parsed;
}

std::pair<std::size_t, std::size_t> line_column(std::string_view text,
                                                std::size_t offset) noexcept {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

parsed parse(std::string_view text, std::size_t max_depth, json::storage_ptr sp) {
  parsed out;
  json::parse_options options;
  options.max_depth = max_depth;
  json::basic_parser<document_builder> parser(options, out.duplicate_keys, std::move(sp), text);
  json::error_code ec;
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = json::error::extra_data;
  if (ec) {
    // Keys seen twice before the failure are of no use without the document.
    out.duplicate_keys.clear();
    out.error = ec;
    std::tie(out.line, out.column) = line_column(text, consumed);
    return out;
  }
  out.value = parser.handler().release();
  return out;
}

}  // namespace mnscreen::json_detail
