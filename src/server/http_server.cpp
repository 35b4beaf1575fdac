// SPDX-License-Identifier: Apache-2.0
// `http_server`: the HTTP/1.1 layer of `mnscreen serve` (server.hpp), over plain TCP or, with
// `cert_file`/`key_file`, over TLS (tls.hpp). One session template serves both streams: the
// request handling is the same code, only the start (handshake) and the end (close_notify)
// differ.
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "server.hpp"
#include "tls.hpp"

namespace mnscreen::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> buf{};
  const auto n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf.data(), n);
  std::array<char, 8> frac{};
  std::snprintf(frac.data(), frac.size(), ".%03dZ", static_cast<int>(ms.count()));
  out += frac.data();
  return out;
}

/// What the server needs of a session of either stream type (the drain).
class session_base {
 public:
  session_base() = default;
  virtual ~session_base() = default;
  session_base(const session_base&) = delete;
  session_base& operator=(const session_base&) = delete;
  /// Drain: an idle connection (waiting for a request) is closed; a busy one finishes.
  virtual void close_if_idle() = 0;
};

}  // namespace

struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  service& svc;
  const config& cfg;
  std::function<void(std::string_view)> log_line;
  std::mutex log_mutex;
  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> control{asio::make_strand(ioc)};
  tcp::acceptor acceptor{control};
  asio::steady_timer drain_timer{control};
  std::optional<asio::signal_set> signals;
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::atomic<bool> stopped{false};  // the pool threads have been joined
  std::atomic<std::size_t> open{0};
  std::mutex sessions_mutex;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<session_base>> sessions;
  std::uint16_t bound_port = 0;
  std::unique_ptr<asio::ssl::context> tls;  // set: every connection speaks TLS
  std::atomic<std::uint64_t> handshake_failures{0};

  impl(service& s, std::function<void(std::string_view)> l)
      : svc(s), cfg(s.settings()), log_line(std::move(l)) {}

  void accept();
  template <class Session, class... Args>
  void open_session(tcp::socket&& s, Args&... args);
  void begin_drain();
  void session_closed(std::uint64_t id);

  void log(const std::string& remote, const std::string& method, const reply& r,
           std::size_t bytes_in, double ms) {
    svc.observe(r.route, r.status, ms);
    if (!log_line) return;
    json::object o;
    o["time"] = utc_now();
    o["remote"] = remote;
    o["method"] = method;
    o["route"] = r.route;
    if (!r.service_id.empty()) o["service"] = r.service_id;
    o["status"] = r.status;
    o["bytes_in"] = bytes_in;
    o["bytes_out"] = r.body.size();
    o["ms"] = std::round(ms * 1000.0) / 1000.0;
    const std::string line = json::serialize(o);
    const std::lock_guard lock(log_mutex);
    log_line(line);
  }

  /// A TLS handshake that failed (plain HTTP to the TLS port, an old protocol, a scanner):
  /// counted and logged with OpenSSL's reason only; never any data of the connection.
  void handshake_failed(const std::string& remote, const beast::error_code& ec) {
    handshake_failures.fetch_add(1, std::memory_order_relaxed);
    if (!log_line) return;
    json::object o;
    o["time"] = utc_now();
    o["event"] = "tls_handshake_failed";
    o["remote"] = remote;
    o["reason"] = ec.message();
    const std::string line = json::serialize(o);
    const std::lock_guard lock(log_mutex);
    log_line(line);
  }
};

namespace {

/// How long a TLS connection that ends waits for the client's close_notify.
constexpr std::chrono::seconds tls_shutdown_timeout{2};

/// Room made in a connection's read buffer for a body of known length (at most this much):
/// Beast reads at most the buffer's free capacity per call (at least 512 bytes), so a 27 KB
/// body took about 50 reads, each a system call and an asynchronous completion. The buffer is
/// kept for the connection's next requests.
constexpr std::size_t body_read_buffer = std::size_t{64} * 1024;

/// One connection: `Stream` is `beast::tcp_stream` (plain HTTP) or
/// `beast::ssl_stream<beast::tcp_stream>` (TLS).
template <class Stream>
class session : public session_base, public std::enable_shared_from_this<session<Stream>> {
  static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;
  using std::enable_shared_from_this<session<Stream>>::shared_from_this;

 public:
  template <class... Args>
  session(tcp::socket&& socket, std::shared_ptr<http_server::impl> srv, std::uint64_t id,
          Args&... args)
      : stream_(std::move(socket), args...), srv_(std::move(srv)), id_(id) {
    beast::error_code ec;
    const auto ep = lowest().socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  ~session() override { srv_->session_closed(id_); }
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if constexpr (tls)
        self->handshake();
      else
        self->read_header();
    });
  }

  void close_if_idle() override {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->busy_) return;
      beast::error_code ec;
      if constexpr (tls) {
        // Abort the pending read (or handshake); its handler ends the connection with a
        // close_notify (close()).
        self->lowest().socket().cancel(ec);
      } else {
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.socket().close(ec);
      }
    });
  }

 private:
  auto& lowest() { return beast::get_lowest_layer(stream_); }

  /// TLS: the handshake has the same bound as a request's header.
  void handshake() {
    if (srv_->draining.load()) return close_socket();
    lowest().expires_after(std::chrono::milliseconds(srv_->cfg.header_timeout_ms));
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (!ec) return self->read_header();
                              if (ec != asio::error::operation_aborted)
                                self->srv_->handshake_failed(self->remote_, ec);
                              self->close_socket();
                            });
  }

  void read_header() {
    if (srv_->draining.load()) return close();
    busy_ = false;
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(srv_->cfg.max_body_bytes);
    lowest().expires_after(std::chrono::milliseconds(first_ ? srv_->cfg.header_timeout_ms
                                                            : srv_->cfg.idle_timeout_ms));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    first_ = false;
    if (ec) return fail_read(ec);
    busy_ = true;
    started_ = std::chrono::steady_clock::now();
    // The body has its own bound: a slow client cannot hold a thread or a connection slot.
    lowest().expires_after(std::chrono::milliseconds(srv_->cfg.body_timeout_ms));
    const auto& h = parser_->get();
    if (h.find(http::field::expect) != h.end() &&
        beast::iequals(h[http::field::expect], "100-continue") &&
        parser_->content_length().value_or(0) <= srv_->cfg.max_body_bytes) {
      // Tell the client to send the body (curl waits for this on large bodies).
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
                          if (e) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    if (const auto length = parser_->content_length()) {
      const std::size_t want = static_cast<std::size_t>(
          std::min<std::uint64_t>(buffer_.size() + *length, body_read_buffer));
      if (buffer_.capacity() < want) buffer_.reserve(want);
    }
    // The read of the header usually took the whole body with it (a kept connection reads up
    // to 64 KB at a time). Then the request is answered here: an asynchronous read would post
    // its completion behind the other connections' queued work, a second wait per request.
    if (buffer_.size() != 0 && !parser_->is_done()) {
      parser_->eager(true);
      beast::error_code ec;
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec && ec != http::error::need_more) return fail_read(ec);
    }
    if (parser_->is_done()) return on_read({});
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void fail_read(beast::error_code ec) {
    if constexpr (tls) {
      // A connection that timed out or broke is closed without a close_notify.
      if (ec == beast::error::timeout || ec == asio::error::connection_reset ||
          ec == asio::ssl::error::stream_truncated)
        return close_socket();
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof || (!busy_ && !parser_->got_some()))
      return close();
    // Too large or unparsable HTTP: answer it, then close (the stream is out of sync).
    reply r;
    r.route = "http";
    if (ec == http::error::body_limit) {
      r.status = 413;
      r.body = error_body(413, "payload_too_large",
                          "the body is larger than max_body_bytes (" +
                              std::to_string(srv_->cfg.max_body_bytes) + ")");
    } else if (ec == http::error::header_limit) {
      r.status = 431;
      r.body = error_body(431, "header_too_large", "the request headers are too large");
    } else {
      r.status = 400;
      r.body = error_body(400, "bad_http", "the request is not valid HTTP/1.1",
                          {{severity::error, "http.bad_request", "$", ec.message()}});
    }
    keep_alive_ = false;
    write(std::move(r), "-", 0);
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail_read(ec);
    auto req = parser_->release();
    request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.authorization = std::string(req[http::field::authorization]);
    r.origin = std::string(req[http::field::origin]);
    r.content_type = std::string(req[http::field::content_type]);
    keep_alive_ = req.keep_alive();
    const std::size_t bytes_in = req.body().size();
    r.body = std::move(req.body());
    reply out;
    if (r.method == "OPTIONS" && !r.origin.empty()) {
      out.status = 204;
      out.route = "preflight";
      out.content_type.clear();
    } else {
      out = srv_->svc.handle(r);
    }
    add_cors(r.origin, out);
    write(std::move(out), r.method, bytes_in);
  }

  void add_cors(const std::string& origin, reply& out) const {
    if (origin.empty()) return;
    const auto& allowed = srv_->cfg.cors_origins;
    const bool any = std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
    if (!any && std::find(allowed.begin(), allowed.end(), origin) == allowed.end()) return;
    out.headers.emplace_back("Access-Control-Allow-Origin", any ? "*" : origin);
    out.headers.emplace_back("Vary", "Origin");
    out.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    out.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
    out.headers.emplace_back("Access-Control-Max-Age", "600");
  }

  void write(reply r, const std::string& method, std::size_t bytes_in) {
    const double ms =
        busy_
            ? std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
                  .count()
            : 0.0;
    srv_->log(remote_, method, r, bytes_in, ms);
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "mnscreen");
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    res->set(http::field::cache_control, "no-store");
    res->set("X-Content-Type-Options", "nosniff");
    for (auto& [k, v] : r.headers) res->insert(k, v);
    const bool keep = keep_alive_ && !srv_->draining.load();
    res->keep_alive(keep);
    res->body() = std::move(r.body);
    res->prepare_payload();
    lowest().expires_after(std::chrono::milliseconds(srv_->cfg.body_timeout_ms));
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
                        self->busy_ = false;
                        if (ec) return self->close();
                        if (!keep) return self->linger_close();
                        self->read_header();
                      });
  }

  /// After a reply that ends the connection: stop sending, then read and discard what the
  /// client is still sending (bounded in time), so that closing with unread data does not
  /// reset the connection before the client has read the reply (e.g. a 413 for a large body).
  void linger_close() {
    busy_ = false;
    if constexpr (!tls) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return close();
    }
    // TLS: no half-close under TLS; the close_notify follows the discarding (close()).
    lowest().expires_after(std::chrono::seconds(2));
    discard();
  }

  void discard() {
    if (!scratch_) scratch_ = std::make_unique<std::array<char, 16384>>();
    stream_.async_read_some(asio::buffer(*scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->discard();
                            });
  }

  /// Ends the connection. TLS: sends a close_notify and waits (bounded) for the client's, so
  /// that the client can tell a complete reply from a cut connection.
  void close() {
    busy_ = false;
    if constexpr (tls) {
      if (!closing_ && lowest().socket().is_open()) {
        closing_ = true;
        lowest().expires_after(tls_shutdown_timeout);
        stream_.async_shutdown(
            [self = shared_from_this()](beast::error_code) { self->close_socket(); });
        return;
      }
    }
    close_socket();
  }

  void close_socket() {
    busy_ = false;
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    lowest().socket().close(ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http_server::impl> srv_;
  std::uint64_t id_;
  std::string remote_;
  bool busy_ = false;
  bool first_ = true;
  bool keep_alive_ = true;
  bool closing_ = false;  // TLS: the close_notify has been sent
  std::chrono::steady_clock::time_point started_;
  std::unique_ptr<std::array<char, 16384>> scratch_;
};

}  // namespace

void http_server::impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [self = shared_from_this()](beast::error_code ec,
                                                                            tcp::socket s) {
    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
    if (!ec) {
      if (self->draining.load()) return;
      if (self->open.load() >= self->cfg.max_connections && self->tls) {
        // Over the connection cap on the TLS port: closed before any handshake work (a plain
        // 503 would be noise to a TLS client).
        beast::error_code ignored;
        s.shutdown(tcp::socket::shutdown_both, ignored);
        s.close(ignored);
        self->svc.observe("http", 503, 0.0);
      } else if (self->open.load() >= self->cfg.max_connections) {
        // Over the connection cap: a short 503, then close.
        static const std::string busy = [] {
          const std::string body = error_body(503, "over_capacity", "too many open connections");
          return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                 "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body;
        }();
        auto sock = std::make_shared<tcp::socket>(std::move(s));
        asio::async_write(*sock, asio::buffer(busy), [sock](beast::error_code, std::size_t) {
          beast::error_code ignored;
          sock->shutdown(tcp::socket::shutdown_both, ignored);
          sock->close(ignored);
        });
        reply r;
        r.status = 503;
        r.route = "http";
        self->svc.observe(r.route, r.status, 0.0);
      } else if (self->tls) {
        self->open_session<session<beast::ssl_stream<beast::tcp_stream>>>(std::move(s), *self->tls);
      } else {
        self->open_session<session<beast::tcp_stream>>(std::move(s));
      }
    }
    self->accept();
  });
}

template <class Session, class... Args>
void http_server::impl::open_session(tcp::socket&& s, Args&... args) {
  open.fetch_add(1);
  auto sess = [&] {
    const std::lock_guard lock(sessions_mutex);
    const std::uint64_t id = next_id++;
    auto p = std::make_shared<Session>(std::move(s), shared_from_this(), id, args...);
    sessions.emplace(id, p);
    return p;
  }();
  sess->start();
}

void http_server::impl::session_closed(std::uint64_t id) {
  {
    const std::lock_guard lock(sessions_mutex);
    sessions.erase(id);
  }
  if (open.fetch_sub(1) == 1 && draining.load()) {
    asio::post(control, [self = shared_from_this()] { self->drain_timer.cancel(); });
  }
}

void http_server::impl::begin_drain() {
  asio::dispatch(control, [self = shared_from_this()] {
    if (self->draining.exchange(true)) return;
    beast::error_code ec;
    self->acceptor.close(ec);
    if (self->signals) self->signals->cancel(ec);
    std::vector<std::shared_ptr<session_base>> live;
    {
      const std::lock_guard lock(self->sessions_mutex);
      for (auto& [id, w] : self->sessions)
        if (auto s = w.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) s->close_if_idle();
    live.clear();
    if (self->open.load() == 0) return;
    self->drain_timer.expires_after(std::chrono::milliseconds(self->cfg.drain_timeout_ms));
    self->drain_timer.async_wait([self](beast::error_code e) {
      if (!e) self->ioc.stop();  // the deadline passed: stop whatever is left
    });
  });
}

http_server::http_server(service& s, std::function<void(std::string_view)> log_line)
    : impl_(std::make_shared<impl>(s, std::move(log_line))) {}

http_server::~http_server() {
  if (!impl_->threads.empty()) {
    drain();
    wait();
  }
}

bool http_server::start(std::string& error) {
  if (!impl_->cfg.cert_file.empty() && !impl_->cfg.key_file.empty()) {
    impl_->tls = make_server_tls_context(impl_->cfg, error);
    if (!impl_->tls) return false;
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->cfg.host, ec);
  if (ec) {
    error = "listen: '" + impl_->cfg.host + "' is not an IP address";
    return false;
  }
  const tcp::endpoint ep(address, impl_->cfg.port);
  auto& a = impl_->acceptor;
  if (a.open(ep.protocol(), ec); ec) {
    error = "listen: " + ec.message();
    return false;
  }
  a.set_option(asio::socket_base::reuse_address(true), ec);
  if (a.bind(ep, ec); ec) {
    error = "listen on " + impl_->cfg.host + ":" + std::to_string(impl_->cfg.port) + ": " +
            ec.message();
    return false;
  }
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec) {
    error = "listen: " + ec.message();
    return false;
  }
  impl_->bound_port = a.local_endpoint().port();
  impl_->accept();
  unsigned n = impl_->cfg.threads;
  if (n == 0) n = std::max(1U, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) impl_->threads.emplace_back([p = impl_] { p->ioc.run(); });
  return true;
}

std::uint16_t http_server::port() const noexcept { return impl_->bound_port; }
std::size_t http_server::open_connections() const noexcept { return impl_->open.load(); }
bool http_server::tls() const noexcept { return impl_->tls != nullptr; }
std::uint64_t http_server::tls_handshake_failures() const noexcept {
  return impl_->handshake_failures.load(std::memory_order_relaxed);
}

void http_server::handle_signals() {
  asio::dispatch(impl_->control, [p = impl_] {
    p->signals.emplace(p->control, SIGINT, SIGTERM);
    p->signals->async_wait([p](beast::error_code ec, int) {
      if (!ec) p->begin_drain();
    });
  });
}

void http_server::drain() {
  // After `wait`, nothing runs the io_context: a posted drain would stay queued and keep the
  // server alive through its own handler.
  if (!impl_->stopped.load()) impl_->begin_drain();
}

void http_server::wait() {
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
  impl_->stopped = true;
  // Run what was posted after the last thread left (e.g. a session's close notification), so
  // that no handler keeps the server's state alive.
  impl_->ioc.restart();
  impl_->ioc.poll();
  impl_->svc.flush_audit();
}

}  // namespace mnscreen::server
