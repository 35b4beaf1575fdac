// SPDX-License-Identifier: Apache-2.0
// What the audit tests share: a temporary directory, reading an audit database with plain
// SQLite (not through the code under test), records to write, and bounded waiting.
#ifndef MNSCREEN_TESTS_AUDIT_TEST_SUPPORT_HPP
#define MNSCREEN_TESTS_AUDIT_TEST_SUPPORT_HPP

#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit.hpp"

namespace mnscreen::test::audit {

namespace fs = std::filesystem;

// A fresh directory, removed with everything in it at the end of the test.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "mnscreen-audit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] std::string operator/(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

// A plain SQLite connection for checking what the log wrote.
class sql {
 public:
  explicit sql(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK)
      throw std::runtime_error("cannot open " + path);
    sqlite3_busy_timeout(db_, 5000);
  }
  sql(const sql&) = delete;
  sql& operator=(const sql&) = delete;
  ~sql() { sqlite3_close(db_); }
  void exec(const std::string& q) {
    char* err = nullptr;
    if (sqlite3_exec(db_, q.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(q + ": " + msg);
    }
  }
  // The rows of a query, each column as text ("" for NULL).
  std::vector<std::vector<std::string>> rows(const std::string& q) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, q.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(q + ": " + sqlite3_errmsg(db_));
    std::vector<std::vector<std::string>> out;
    int rc = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* t = sqlite3_column_text(st, i);
        row.emplace_back(t != nullptr ? reinterpret_cast<const char*>(t) : "");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw std::runtime_error(q + ": " + sqlite3_errmsg(db_));
    return out;
  }
  std::string one(const std::string& q) {
    auto r = rows(q);
    if (r.empty() || r[0].empty()) throw std::runtime_error(q + ": no row");
    return r[0][0];
  }
  long count(const std::string& table) { return std::stol(one("SELECT count(*) FROM " + table)); }

 private:
  sqlite3* db_ = nullptr;
};

inline mnscreen::audit::hook_record hook(const std::string& instance,
                                         std::vector<std::string> rules = {"MED-ISO"},
                                         const std::string& time = "") {
  mnscreen::audit::hook_record h;
  h.time = time;
  h.service = "mnscreen-order-sign";
  h.hook_instance = instance;
  h.issuer = "https://ehr.example/issuer";
  h.patient_ref = "Patient/123";
  h.decision = rules.empty() ? "proceed" : "defer";
  h.rule_ids = rules;
  if (!rules.empty()) h.cards.push_back({"card-" + instance, "critical", rules});
  h.cards.push_back({"questions-" + instance, "info", {}});
  h.knowledge_version = "2026.2";
  h.library_version = "0.1.0";
  h.model_version = "priors";
  h.policy_name = "clinic";
  h.latency_ms = 1.25;
  h.outcome = "cards";
  return h;
}

inline mnscreen::audit::feedback_record feedback(const std::string& card,
                                                 const std::string& outcome,
                                                 const std::string& reason = "",
                                                 const std::string& ts = "2026-12-03T10:00:00Z",
                                                 const std::string& time = "") {
  mnscreen::audit::feedback_record f;
  f.time = time;
  f.service = "mnscreen-order-sign";
  f.card_uuid = card;
  f.outcome = outcome;
  f.override_reason = reason;
  f.comment = outcome == "overridden" ? "patient informed" : "";
  f.outcome_timestamp = ts;
  return f;
}

// Waits (polling, at most `limit`) until `done()`; returns its last value.
inline bool wait_for(const std::function<bool()>& done,
                     std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace mnscreen::test::audit

#endif  // MNSCREEN_TESTS_AUDIT_TEST_SUPPORT_HPP
