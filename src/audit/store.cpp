// SPDX-License-Identifier: Apache-2.0
#include "audit/store.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/json.hpp>

namespace mnscreen::audit {

namespace json = boost::json;

namespace {

// Version 1 of the schema. Every text column is NOT NULL ('' = not known or not applicable),
// so that the export never has to tell NULL from ''. Rows are never updated or deleted.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE hook_call(
  record_id TEXT PRIMARY KEY NOT NULL,
  time TEXT NOT NULL,
  service TEXT NOT NULL,
  hook_instance TEXT NOT NULL,
  issuer TEXT NOT NULL,
  patient_ref TEXT NOT NULL,
  decision TEXT NOT NULL,
  rule_ids TEXT NOT NULL,
  knowledge_version TEXT NOT NULL,
  library_version TEXT NOT NULL,
  model_version TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  latency_ms REAL NOT NULL,
  outcome TEXT NOT NULL);
CREATE INDEX hook_call_time ON hook_call(time);
CREATE TABLE card(
  record_id TEXT NOT NULL REFERENCES hook_call(record_id),
  position INTEGER NOT NULL,
  card_uuid TEXT NOT NULL,
  indicator TEXT NOT NULL,
  rule_ids TEXT NOT NULL,
  PRIMARY KEY(record_id, position));
CREATE INDEX card_uuid ON card(card_uuid);
CREATE TABLE feedback(
  record_id TEXT PRIMARY KEY NOT NULL,
  time TEXT NOT NULL,
  service TEXT NOT NULL,
  hook_instance TEXT NOT NULL,
  card_uuid TEXT NOT NULL,
  outcome TEXT NOT NULL,
  override_reason TEXT NOT NULL,
  comment TEXT NOT NULL,
  outcome_timestamp TEXT NOT NULL,
  UNIQUE(card_uuid, outcome, outcome_timestamp));
CREATE INDEX feedback_time ON feedback(time);
PRAGMA user_version = 1;
)sql";

[[noreturn]] void fail(sqlite3* db, int rc, const std::string& what) {
  std::string msg = what + ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xFF;
  throw db_error(rc, msg,
                 primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT
                     ? db_error::kind::not_database
                     : db_error::kind::sqlite);
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

std::vector<std::string> strings(const json::value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& x : v->get_array())
    if (x.is_string()) out.emplace_back(x.get_string());
  return out;
}

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  a.reserve(v.size());
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

std::string to_json_array(const std::vector<std::string>& v) {
  return json::serialize(to_array(v));
}

std::vector<std::string> from_json_array(std::string_view text) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec) return {};
  return strings(&v);
}

std::string to_spill_line(const entry& e) {
  json::object o;
  o["record_id"] = e.record_id;
  if (const auto* h = std::get_if<hook_record>(&e.rec)) {
    o["kind"] = "hook";
    o["time"] = h->time;
    o["service"] = h->service;
    o["hook_instance"] = h->hook_instance;
    o["issuer"] = h->issuer;
    o["patient_ref"] = h->patient_ref;
    o["decision"] = h->decision;
    o["rule_ids"] = to_array(h->rule_ids);
    json::array cards;
    for (const auto& c : h->cards)
      cards.push_back(json::object{
          {"uuid", c.uuid}, {"indicator", c.indicator}, {"rule_ids", to_array(c.rule_ids)}});
    o["cards"] = std::move(cards);
    o["knowledge_version"] = h->knowledge_version;
    o["library_version"] = h->library_version;
    o["model_version"] = h->model_version;
    o["policy_name"] = h->policy_name;
    o["latency_ms"] = h->latency_ms;
    o["outcome"] = h->outcome;
  } else {
    const auto& f = std::get<feedback_record>(e.rec);
    o["kind"] = "feedback";
    o["time"] = f.time;
    o["service"] = f.service;
    o["hook_instance"] = f.hook_instance;
    o["card_uuid"] = f.card_uuid;
    o["outcome"] = f.outcome;
    o["override_reason"] = f.override_reason;
    o["comment"] = f.comment;
    o["outcome_timestamp"] = f.outcome_timestamp;
  }
  return json::serialize(o);
}

std::optional<entry> from_spill_line(std::string_view line) {
  boost::system::error_code ec;
  const json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  entry e;
  e.record_id = str(o, "record_id");
  const std::string kind = str(o, "kind");
  if (e.record_id.empty()) return std::nullopt;
  if (kind == "hook") {
    hook_record h;
    h.time = str(o, "time");
    h.service = str(o, "service");
    h.hook_instance = str(o, "hook_instance");
    h.issuer = str(o, "issuer");
    h.patient_ref = str(o, "patient_ref");
    h.decision = str(o, "decision");
    h.rule_ids = strings(o.if_contains("rule_ids"));
    if (const auto* cs = o.if_contains("cards"); cs != nullptr && cs->is_array()) {
      for (const auto& c : cs->get_array()) {
        if (!c.is_object()) continue;
        const auto& co = c.get_object();
        h.cards.push_back(
            {str(co, "uuid"), str(co, "indicator"), strings(co.if_contains("rule_ids"))});
      }
    }
    h.knowledge_version = str(o, "knowledge_version");
    h.library_version = str(o, "library_version");
    h.model_version = str(o, "model_version");
    h.policy_name = str(o, "policy_name");
    if (const auto* l = o.if_contains("latency_ms"); l != nullptr && l->is_number())
      h.latency_ms = l->to_number<double>();
    h.outcome = str(o, "outcome");
    e.rec = std::move(h);
  } else if (kind == "feedback") {
    feedback_record f;
    f.time = str(o, "time");
    f.service = str(o, "service");
    f.hook_instance = str(o, "hook_instance");
    f.card_uuid = str(o, "card_uuid");
    f.outcome = str(o, "outcome");
    f.override_reason = str(o, "override_reason");
    f.comment = str(o, "comment");
    f.outcome_timestamp = str(o, "outcome_timestamp");
    e.rec = std::move(f);
  } else {
    return std::nullopt;
  }
  return e;
}

// --- statement ---------------------------------------------------------------------------------

statement::statement(sqlite3* db, const char* sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "preparing a statement");
}

statement::~statement() { sqlite3_finalize(st_); }

void statement::bind(int i, std::string_view text) {
  const int rc =
      sqlite3_bind_text(st_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
}

void statement::bind(int i, double v) {
  const int rc = sqlite3_bind_double(st_, i, v);
  if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
}

bool statement::step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "executing a statement");
}

void statement::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

std::string statement::text(int col) const {
  const auto* p = sqlite3_column_text(st_, col);
  const int n = sqlite3_column_bytes(st_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

void statement::bind_int(int i, long long v) {
  const int rc = sqlite3_bind_int64(st_, i, v);
  if (rc != SQLITE_OK) fail(db_, rc, "binding a value");
}

double statement::real(int col) const { return sqlite3_column_double(st_, col); }

long long statement::integer(int col) const { return sqlite3_column_int64(st_, col); }

// --- database ----------------------------------------------------------------------------------

database::database(const std::string& path, mode m, int busy_timeout_ms) : path_(path) {
  struct stat sb {};
  const bool existed = ::stat(path.c_str(), &sb) == 0;
  if (m == mode::read && !existed)
    throw db_error(SQLITE_CANTOPEN,
                   errno == ENOENT ? std::string("no such file")
                                   : "cannot reach the file: " + std::string(std::strerror(errno)),
                   db_error::kind::missing);
  if (existed && S_ISDIR(sb.st_mode))
    throw db_error(SQLITE_CANTOPEN, "is a directory, not a file", db_error::kind::missing);
  const int flags = m == mode::write
                        ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
                        : SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw db_error(rc, "cannot open: " + msg);
  }
  try {
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    // Reading the version touches the file: a file that is not a database fails here.
    // Statements are finished before the pragmas below (journal_mode cannot change inside
    // the read transaction an unfinished statement holds).
    long long version = 0, n_tables = 0;
    {
      statement uv(db_, "PRAGMA user_version");
      uv.step();
      version = uv.integer(0);
      statement tables(db_, "SELECT count(*) FROM sqlite_schema");
      tables.step();
      n_tables = tables.integer(0);
    }
    if (version > schema_version)
      throw db_error(SQLITE_ERROR,
                     "schema version " + std::to_string(version) +
                         " is newer than this mnscreen reads (" + std::to_string(schema_version) +
                         ")",
                     db_error::kind::newer_schema);
    if (version == 0) {
      if (n_tables != 0 || m == mode::read)
        throw db_error(SQLITE_ERROR, "not an mnscreen audit database (no audit schema version)",
                       db_error::kind::not_audit);
    }
    if (m == mode::write) {
      if (!existed) ::chmod(path.c_str(), S_IRUSR | S_IWUSR);
      exec("PRAGMA journal_mode=WAL");
      exec("PRAGMA synchronous=FULL");
      if (version == 0) {
        exec("BEGIN IMMEDIATE");
        try {
          exec(schema_v1);
          exec("COMMIT");
        } catch (...) {
          sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
          throw;
        }
      }
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

database::~database() {
  // Statements first: a connection with unfinalized statements does not close.
  hook_insert_.reset();
  card_insert_.reset();
  feedback_insert_.reset();
  sqlite3_close(db_);
}

void database::exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw db_error(rc, msg);
  }
}

bool database::file_moved() const {
  int moved = 0;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK) return true;
  if (moved != 0) return true;
  // A directory or another file put in its place: HAS_MOVED compares the inode, so a rename
  // of a new file over the path is also seen; check that the path still exists as a file.
  struct stat sb {};
  return ::stat(path_.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode);
}

std::size_t database::insert(const std::vector<entry>& entries) {
  if (!hook_insert_ || !card_insert_ || !feedback_insert_) {
    auto hook_st = std::make_unique<statement>(
        db_,
        "INSERT OR IGNORE INTO hook_call(record_id, time, service, hook_instance, "
        "issuer, patient_ref, decision, rule_ids, knowledge_version, library_version, "
        "model_version, policy_name, latency_ms, outcome) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)");
    auto card_st = std::make_unique<statement>(
        db_,
        "INSERT OR IGNORE INTO card(record_id, position, card_uuid, indicator, rule_ids) "
        "VALUES(?1,?2,?3,?4,?5)");
    auto feedback_st = std::make_unique<statement>(
        db_,
        "INSERT OR IGNORE INTO feedback(record_id, time, service, hook_instance, "
        "card_uuid, outcome, override_reason, comment, outcome_timestamp) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    hook_insert_ = std::move(hook_st);
    card_insert_ = std::move(card_st);
    feedback_insert_ = std::move(feedback_st);
  }
  statement& hook = *hook_insert_;
  statement& card = *card_insert_;
  statement& fb = *feedback_insert_;
  exec("BEGIN IMMEDIATE");
  std::size_t added = 0;
  try {
    for (const auto& e : entries) {
      if (const auto* h = std::get_if<hook_record>(&e.rec)) {
        hook.reset();
        hook.bind(1, e.record_id);
        hook.bind(2, h->time);
        hook.bind(3, h->service);
        hook.bind(4, h->hook_instance);
        hook.bind(5, h->issuer);
        hook.bind(6, h->patient_ref);
        hook.bind(7, h->decision);
        hook.bind(8, to_json_array(h->rule_ids));
        hook.bind(9, h->knowledge_version);
        hook.bind(10, h->library_version);
        hook.bind(11, h->model_version);
        hook.bind(12, h->policy_name);
        hook.bind(13, h->latency_ms);
        hook.bind(14, h->outcome);
        hook.step();
        if (sqlite3_changes(db_) == 0) continue;  // already there (a replay)
        ++added;
        for (std::size_t i = 0; i < h->cards.size(); ++i) {
          const auto& c = h->cards[i];
          card.reset();
          card.bind(1, e.record_id);
          card.bind_int(2, static_cast<long long>(i));
          card.bind(3, c.uuid);
          card.bind(4, c.indicator);
          card.bind(5, to_json_array(c.rule_ids));
          card.step();
        }
      } else {
        const auto& f = std::get<feedback_record>(e.rec);
        fb.reset();
        fb.bind(1, e.record_id);
        fb.bind(2, f.time);
        fb.bind(3, f.service);
        fb.bind(4, f.hook_instance);
        fb.bind(5, f.card_uuid);
        fb.bind(6, f.outcome);
        fb.bind(7, f.override_reason);
        fb.bind(8, f.comment);
        fb.bind(9, f.outcome_timestamp);
        fb.step();
        if (sqlite3_changes(db_) != 0) ++added;
      }
    }
    // Reset: a statement left stepped keeps a read snapshot of the WAL open.
    hook.reset();
    card.reset();
    fb.reset();
    exec("COMMIT");
  } catch (...) {
    hook.reset();
    card.reset();
    fb.reset();
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return added;
}

}  // namespace mnscreen::audit
