// SPDX-License-Identifier: Apache-2.0
// The private parts of the audit trail shared by the writer (audit.cpp), the export
// (export.cpp) and the tests: a record with its unique id, its NDJSON form (the spill file),
// and the SQLite database with its schema.
#ifndef MNSCREEN_AUDIT_STORE_HPP
#define MNSCREEN_AUDIT_STORE_HPP

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "audit/audit.hpp"
#include "mnscreen/diagnostic.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace mnscreen::audit {

/// A record with the id that makes replays idempotent (`INSERT OR IGNORE` on it).
struct entry {
  std::string record_id;
  std::variant<hook_record, feedback_record> rec;
};

/// One line of the spill file (no newline).
[[nodiscard]] std::string to_spill_line(const entry& e);
/// The entry of a spill line, or std::nullopt when the line is not one (a torn last line).
[[nodiscard]] std::optional<entry> from_spill_line(std::string_view line);

/// A database failure; `what()` carries SQLite's message and the operation, no record data.
class db_error : public mnscreen::error {
 public:
  /// What kind of failure, for the messages and codes of `mnscreen audit` (docs/errors.md).
  enum class kind {
    sqlite,        ///< SQLite failed (locked, I/O, read-only, full, ...)
    missing,       ///< no file at the path, or a directory there
    not_database,  ///< the file is not a SQLite database, or is damaged
    not_audit,     ///< a SQLite database without the audit schema
    newer_schema,  ///< an audit database of a later schema version
  };
  db_error(int code, const std::string& what, kind k = kind::sqlite)
      : mnscreen::error(what), code_(code), kind_(k) {}
  [[nodiscard]] int code() const noexcept { return code_; }
  [[nodiscard]] kind reason() const noexcept { return kind_; }

 private:
  int code_;
  kind kind_;
};

/// A SQLite connection to an audit database. Not thread-safe (one per thread).
class statement;

class database {
 public:
  enum class mode { write, read };
  /// `write`: opens or creates the file (mode 0600), WAL, synchronous=FULL, creates or checks
  /// the schema. `read`: opens an existing file read-only and checks the schema.
  /// Throws db_error (file missing, not a database, schema of another version, ...).
  database(const std::string& path, mode m, int busy_timeout_ms = 2000);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  /// Inserts every entry in one transaction (`INSERT OR IGNORE`); rolls back and throws
  /// db_error on failure. Returns the number of rows that were new.
  std::size_t insert(const std::vector<entry>& entries);
  /// True when the file the connection writes was renamed or removed since it was opened.
  [[nodiscard]] bool file_moved() const;

  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

 private:
  void exec(const char* sql);
  sqlite3* db_ = nullptr;
  std::string path_;
  // The INSERT statements of `insert`, prepared on first use and kept for the connection's
  // life (preparing them for every batch was a large share of the writer's CPU).
  std::unique_ptr<statement> hook_insert_, card_insert_, feedback_insert_;
};

/// A prepared statement (RAII) over a connection.
class statement {
 public:
  statement(sqlite3* db, const char* sql);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  void bind(int i, std::string_view text);
  void bind(int i, double v);
  void bind_int(int i, long long v);
  /// true: a row is ready; false: done. Throws db_error.
  bool step();
  void reset();
  [[nodiscard]] std::string text(int col) const;
  [[nodiscard]] double real(int col) const;
  [[nodiscard]] long long integer(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

/// JSON array text <-> vector of strings (rule ids are stored as a JSON array).
[[nodiscard]] std::string to_json_array(const std::vector<std::string>& v);
[[nodiscard]] std::vector<std::string> from_json_array(std::string_view text);

}  // namespace mnscreen::audit

#endif  // MNSCREEN_AUDIT_STORE_HPP
