// SPDX-License-Identifier: Apache-2.0
#include "fhir_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <optional>

namespace mnscreen::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

bool split_url(std::string_view url, url_parts& out) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    out.tls = false;
    rest = url.substr(7);
  } else {
    return false;
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    out.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return false;
    out.port = after.empty() ? "" : std::string(after.substr(1));
  } else {
    const auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    out.port = colon == std::string_view::npos ? "" : std::string(authority.substr(colon + 1));
  }
  if (out.port.empty()) out.port = out.tls ? "443" : "80";
  for (char c : out.port)
    if (c < '0' || c > '9') return false;
  if (out.host.empty() || out.target.find_first_of(" \r\n") != std::string::npos) return false;
  return true;
}

namespace {

struct page {
  unsigned status = 0;
  std::string body;
};

using response_parser = http::response_parser<http::string_body>;

template <class Stream>
asio::awaitable<void> exchange(Stream& stream, beast::tcp_stream& lower, const url_parts& u,
                               const fetch_settings& s, page& out) {
  http::request<http::empty_body> req{http::verb::get, u.target, 11};
  req.set(http::field::host, u.host);
  req.set(http::field::accept, "application/fhir+json");
  req.set(http::field::user_agent, "mnscreen-cds");
  if (!s.bearer.empty()) req.set(http::field::authorization, "Bearer " + s.bearer);
  lower.expires_at(s.deadline);
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  response_parser parser;
  parser.body_limit(s.max_bytes);
  lower.expires_at(s.deadline);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  out.status = parser.get().result_int();
  out.body = std::move(parser.get().body());
}

asio::awaitable<void> get_page(asio::io_context& ioc, asio::ssl::context& tls_ctx,
                               const url_parts& u, const fetch_settings& s, page& out) {
  tcp::resolver resolver(ioc);
  if (!u.tls) {
    beast::tcp_stream stream(ioc);
    stream.expires_at(s.deadline);
    const auto endpoints = co_await resolver.async_resolve(u.host, u.port, asio::use_awaitable);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    co_await exchange(stream, stream, u, s, out);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(ioc, tls_ctx);
  // SNI (SSL_set_tlsext_host_name without its C cast).
  if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(u.host.c_str())) != 1)
    throw beast::system_error(
        beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
  if (!s.insecure_tls_for_tests)
    stream.set_verify_callback(asio::ssl::host_name_verification(u.host));
  beast::get_lowest_layer(stream).expires_at(s.deadline);
  const auto endpoints = co_await resolver.async_resolve(u.host, u.port, asio::use_awaitable);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  beast::get_lowest_layer(stream).expires_at(s.deadline);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  co_await exchange(stream, beast::get_lowest_layer(stream), u, s, out);
}

bool same_origin(const url_parts& a, const url_parts& b) {
  return a.tls == b.tls && a.host == b.host && a.port == b.port;
}

}  // namespace

fetch_outcome fetch_fhir(std::string_view relative_url, const fetch_settings& s) {
  fetch_outcome result;
  url_parts base;
  if (!split_url(s.fhir_server, base)) {
    result.reason = "fhirServer is not an http(s) URL";
    return result;
  }
  std::string url = s.fhir_server;
  if (!url.ends_with('/')) url += '/';
  url += relative_url;
  try {
    asio::ssl::context tls_ctx(asio::ssl::context::tls_client);
    if (s.insecure_tls_for_tests) {
      tls_ctx.set_verify_mode(asio::ssl::verify_none);
    } else {
      tls_ctx.set_default_verify_paths();
      tls_ctx.set_verify_mode(asio::ssl::verify_peer);
    }
    for (unsigned n = 0;; ++n) {
      if (n == s.max_pages) {
        // Stop at the limit: what was read is data (the FHIR reader never takes an absent
        // record for a denial); the message says the rest was not read.
        result.reason = "stopped after " + std::to_string(s.max_pages) + " pages (limit)";
        break;
      }
      url_parts u;
      if (!split_url(url, u) || !same_origin(u, base)) {
        result.reason = "a next link leaves the fhirServer origin; not followed";
        return result;
      }
      asio::io_context ioc;
      page p;
      std::exception_ptr failure;
      asio::co_spawn(ioc, get_page(ioc, tls_ctx, u, s, p),
                     [&](const std::exception_ptr& e) { failure = e; });
      ioc.run();
      if (failure) {
        try {
          std::rethrow_exception(failure);
        } catch (const beast::system_error& e) {
          if (e.code() == beast::error::timeout || std::chrono::steady_clock::now() >= s.deadline) {
            result.status = fetch_outcome::kind::timeout;
            result.reason = "timed out";
          } else {
            result.reason = "HTTP exchange failed: " + e.code().message();
          }
          return result;
        }
      }
      if (p.status < 200 || p.status > 299) {
        result.reason = "fhirServer answered HTTP " + std::to_string(p.status);
        return result;
      }
      json::parse_options po;
      po.max_depth = 64;
      boost::system::error_code ec;
      json::value doc = json::parse(p.body, ec, {}, po);
      if (ec || !doc.is_object()) {
        result.reason = "fhirServer answered something that is not a JSON object";
        return result;
      }
      const auto& obj = doc.as_object();
      const auto* rt = obj.if_contains("resourceType");
      if (rt == nullptr || !rt->is_string()) {
        result.reason = "fhirServer answered JSON without resourceType";
        return result;
      }
      if (rt->as_string() != "Bundle" && n != 0) {
        result.reason = "a next page is not a Bundle";
        return result;
      }
      result.documents.push_back(std::move(p.body));
      std::optional<std::string> next;
      if (const auto* links = obj.if_contains("link"); links != nullptr && links->is_array()) {
        for (const auto& l : links->as_array()) {
          const auto* lo = l.if_object();
          if (lo == nullptr) continue;
          const auto* rel = lo->if_contains("relation");
          const auto* href = lo->if_contains("url");
          if (rel != nullptr && href != nullptr && rel->is_string() && href->is_string() &&
              rel->as_string() == "next")
            next = std::string(href->as_string());
        }
      }
      if (!next) break;
      url = *next;
    }
  } catch (const std::exception& e) {
    result.reason = std::string("fetch failed: ") + e.what();
    return result;
  }
  result.status = fetch_outcome::kind::ok;
  return result;
}

}  // namespace mnscreen::server
