// SPDX-License-Identifier: Apache-2.0
// The JSON writer (src/json/text.hpp) against the plain ways of writing the same text: numbers
// against std::to_chars(double) (the writer writes integers below 100000 as integers and finds
// the shortest digits of numbers from 0.001 to 1e5 itself, which must give the same characters),
// strings against quoted() (the writer copies strings that need no
// escaping in one piece and escapes the rest), words written as they are against escaped ones,
// and a writer that starts with little room against one that starts with plenty.
#include <rapidcheck/catch.h>

#include <bit>
#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "json/text.hpp"
#include "mnscreen/vocabulary.hpp"

namespace {

using mnscreen::json_detail::writer;

std::string chars_of(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  REQUIRE(ec == std::errc{});
  return std::string(buf, end);
}

std::string written(double v) {
  writer w(1);
  w.number(v);
  return std::move(w).take();
}

}  // namespace

TEST_CASE("writer: every integer below 100000 is written as to_chars writes the double",
          "[writer][property]") {
  for (int i = -100000; i <= 100000; ++i) {
    const double v = i;
    if (written(v) != chars_of(v)) FAIL("differs at " << i);
  }
  // Around the edges of the integer path, and zero's sign.
  for (double v : {-0.0, 0.0, 99999.5, 1e5, -1e5, 100001.0, 1e15, 1e16, 1e21, 0.5, -0.5, 1e-7,
                   5e-324, std::numeric_limits<double>::max(), 99999.999999999985})
    CHECK(written(v) == chars_of(v));
  CHECK(written(std::numeric_limits<double>::infinity()) == "null");
  CHECK(written(std::nan("")) == "null");
}

TEST_CASE("writer: doubles near the edges of the fast range and of each decade",
          "[writer][property]") {
  // Powers of ten and two, the decade bounds and their neighbours (a few steps each way), and
  // sums that are famously not short.
  std::vector<double> values = {0.1 + 0.2,
                                1.0 / 3,
                                2.0 / 3,
                                0.3,
                                0.7,
                                1.1,
                                2.675,
                                1e-3,
                                5e-4,
                                99999.99999999999,
                                0.0010000000000000002,
                                0.009999999999999998,
                                0.010000000000000002,
                                0.0030000000000000014,
                                0.05000000000000001};
  for (double t = 1e-4; t < 1e7; t *= 10) values.push_back(t);
  for (int e = -12; e <= 18; ++e) values.push_back(std::ldexp(1.0, e));
  std::vector<double> around;
  for (double v : values) {
    double up = v;
    double down = v;
    for (int i = 0; i < 40; ++i) {
      around.push_back(up);
      around.push_back(down);
      up = std::nextafter(up, 1e300);
      down = std::nextafter(down, 0.0);
    }
  }
  for (double v : around) {
    INFO(chars_of(v));
    CHECK(written(v) == chars_of(v));
    CHECK(written(-v) == chars_of(-v));
  }
}

TEST_CASE("writer: any finite double is written as to_chars writes it", "[writer][property]") {
  rc::prop("random bit patterns", [] {
    const auto bits = *rc::gen::arbitrary<std::uint64_t>();
    const double v = std::bit_cast<double>(bits);
    RC_PRE(std::isfinite(v));
    RC_ASSERT(written(v) == chars_of(v));
  });
  rc::prop("the range written without to_chars: 0.001 to 1e5", [] {
    // Every double in [0.001, 1e5) is equally likely: bit patterns between the two bounds.
    const auto low = std::bit_cast<std::uint64_t>(0.001);
    const auto high = std::bit_cast<std::uint64_t>(1e5);
    const auto bits = *rc::gen::inRange<std::uint64_t>(low, high);
    const bool negative = *rc::gen::arbitrary<bool>();
    const double v = std::bit_cast<double>(bits) * (negative ? -1 : 1);
    RC_ASSERT(written(v) == chars_of(v));
  });
  rc::prop("short decimals and integers", [] {
    const auto n = *rc::gen::inRange<long long>(-2000000, 2000000);
    const auto scale = *rc::gen::elementOf(std::vector<double>{1, 10, 100, 1000, 1e4, 0.1});
    const double v = static_cast<double>(n) / scale;
    RC_ASSERT(written(v) == chars_of(v));
  });
}

TEST_CASE("writer: strings are written as quoted() writes them", "[writer][property]") {
  rc::prop("random bytes", [] {
    const auto s = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
    writer w(1);
    w.begin_array();
    w.string(s);
    w.string(s);
    w.end_array();
    const std::string q = mnscreen::json_detail::quoted(s);
    RC_ASSERT(std::move(w).take() == "[" + q + "," + q + "]");
  });
  rc::prop("mostly plain text", [] {
    const auto s = *rc::gen::container<std::string>(
        rc::gen::weightedOneOf<char>({{20, rc::gen::inRange<char>(0x20, 0x7f)},
                                      {1, rc::gen::element<char>('"', '\\', '\n', '\x01')},
                                      {1, rc::gen::arbitrary<char>()}}));
    writer w(1);
    w.begin_object();
    w.key(s);
    w.string(s);
    w.end_object();
    const std::string q = mnscreen::json_detail::quoted(s);
    RC_ASSERT(std::move(w).take() == "{" + q + ":" + q + "}");
  });
}

TEST_CASE("writer: ASCII strings are escaped byte by byte as JSON says", "[writer][property]") {
  // A reference escaper, one byte at a time, for text without bytes >= 0x80.
  const auto reference = [](const std::string& s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4U];
            out += hex[c & 0xFU];
          } else {
            out += ch;
          }
      }
    }
    return out + "\"";
  };
  // Every length up to 40 and every position of one byte to escape, then random text.
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string plain(n, 'k');
    CHECK(mnscreen::json_detail::needs_no_escaping(plain));
    CHECK(mnscreen::json_detail::quoted(plain) == reference(plain));
    for (std::size_t at = 0; at < n; ++at)
      for (const char bad : {'"', '\\', '\n', '\x1f', '\x7f', ' '}) {
        std::string s = plain;
        s[at] = bad;
        INFO(n << " " << at << " " << static_cast<int>(bad));
        CHECK(mnscreen::json_detail::needs_no_escaping(s) == (bad == '\x7f' || bad == ' '));
        CHECK(mnscreen::json_detail::quoted(s) == reference(s));
      }
  }
  rc::prop("random ASCII", [&] {
    const auto s = *rc::gen::container<std::string>(rc::gen::inRange<char>(0, 0x7f));
    RC_ASSERT(mnscreen::json_detail::quoted(s) == reference(s));
  });
}

TEST_CASE("writer: words written as they are equal the same words escaped", "[writer]") {
  // plain_string is for the words of the vocabulary; vocabulary.cpp asserts at compile time that
  // none needs escaping. Here: the writer gives the same text either way.
  const auto check = [](auto codes) {
    for (auto c : codes) {
      const std::string_view word = mnscreen::to_string(c);
      INFO(word);
      CHECK(mnscreen::json_detail::needs_no_escaping(word));
      writer plain(1);
      writer escaped(1);
      plain.begin_array();
      escaped.begin_array();
      plain.plain_string(word);
      escaped.string(word);
      plain.plain_string(word);
      escaped.string(word);
      plain.end_array();
      escaped.end_array();
      const std::string plain_text = std::move(plain).take();
      const std::string escaped_text = std::move(escaped).take();
      CHECK(plain_text == escaped_text);
    }
  };
  check(mnscreen::all_codes<mnscreen::area>());
  check(mnscreen::all_codes<mnscreen::complication>());
  check(mnscreen::all_codes<mnscreen::medication_code>());
  check(mnscreen::all_codes<mnscreen::effect>());
  check(mnscreen::all_codes<mnscreen::decision>());
  check(mnscreen::all_codes<mnscreen::evidence_level>());
  check(mnscreen::all_codes<mnscreen::risk_band>());
  check(mnscreen::all_codes<mnscreen::question>());
  check(mnscreen::all_codes<mnscreen::override_reason>());
  CHECK_FALSE(mnscreen::json_detail::needs_no_escaping("a\"b"));
  CHECK_FALSE(mnscreen::json_detail::needs_no_escaping("caf\xC3\xA9"));
}

TEST_CASE("writer: the text does not depend on the room it starts with", "[writer]") {
  const auto write = [](std::size_t reserve) {
    writer w(reserve);
    w.begin_object();
    for (int i = 0; i < 300; ++i) {
      w.key("item");
      w.begin_array();
      w.number(i * 0.1);
      w.integer(-i);
      w.boolean(i % 2 == 0);
      w.null();
      w.date_value(mnscreen::date{std::chrono::year{2026}, std::chrono::month{12},
                                  std::chrono::day{static_cast<unsigned>(1 + i % 28)}});
      w.string(std::string(static_cast<std::size_t>(i), 'x') + "\"\n\xC3\xA9\xFF");
      w.plain_string("proceed");
      w.end_array();
    }
    w.end_object();
    return std::move(w).take();
  };
  const std::string big = write(1 << 20);
  CHECK(write(0) == big);
  CHECK(write(1) == big);
  CHECK(write(100) == big);
  CHECK(
      big.find("\"item\":[0,0,true,null,\"2026-12-01\",\"\\\"\\n\xC3\xA9\\ufffd\",\"proceed\"]") !=
      std::string::npos);
}

TEST_CASE("writer: a writer that takes over another's room writes only its own text", "[writer]") {
  const auto document = [](writer& w, int items) {
    w.begin_object();
    for (int i = 0; i < items; ++i) {
      w.key("n");
      w.number(i * 0.25);
      w.member("s", std::string(static_cast<std::size_t>(i), 'y') + "\"");
    }
    w.end_object();
  };
  const auto alone = [&](int items) {
    writer w(64);
    document(w, items);
    return std::move(w).take();
  };
  // A long document grows the room past its start; shorter ones after it reuse that room (its
  // bytes still hold the long text) and must not show any of it; an empty room works too.
  std::string room;
  for (int items : {400, 3, 0, 120, 1, 400}) {
    writer w(std::move(room), 64);
    document(w, items);
    INFO(items << " items");
    CHECK(std::string(w.text()) == alone(items));
    room = std::move(w).release_room();
    CHECK(room.size() >= alone(items).size());
  }
  writer last(std::move(room), 64);
  last.null();
  CHECK(last.text() == "null");
  CHECK(std::move(last).take() == "null");
}
