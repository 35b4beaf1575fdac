// SPDX-License-Identifier: Apache-2.0
// The audit trail of `mnscreen serve` (issue 15, point 8): every hook call and every feedback
// item, written to a SQLite database (WAL) by one writer thread behind a bounded queue, so that
// request threads never wait for the disk.
//
// For the server (D2):
// - Build one `audit::log` at start-up from the config's `audit_db` (and salt); keep it for the
//   life of the process. Its constructor opens the database on the calling thread, so
//   `status()` right after construction says whether the database is usable (a bad path is
//   not an exception: the log starts degraded and spills; see below).
// - Call `record(hook_record)` after answering a hook and `record(feedback_record)` once per
//   feedback item (a batched body gives several). Both are cheap (a move into the queue; the
//   patient reference is hashed here when a salt is configured, so an unhashed reference is
//   never stored anywhere, not even in the spill file) and never throw for I/O problems.
// - `/healthz`: `status().degraded` (true while the database cannot be written);
//   `/metrics`: `status().queue_depth` (and the other counters of `health`).
// - SIGTERM/SIGINT drain: after the last request, call `flush()` (or just destroy the log; the
//   destructor flushes and joins the writer).
//
// Failure handling: when a write fails (database locked beyond the busy timeout, read-only,
// removed, replaced, disk full, corrupt), the writer marks the log degraded and appends the
// records to an append-only NDJSON spill file instead; every `retry_interval` it tries the
// database again and, once it works, replays the spill file into it and empties the file. Every
// record has a unique `record_id`; rows are inserted with `INSERT OR IGNORE`, so a replay that
// is interrupted and repeated never duplicates a row. Feedback is idempotent by
// (card uuid, outcome, outcome timestamp): repeating a feedback item stores it once.
// When the queue is full, `record` appends the record to the spill file itself (it is replayed
// like the rest): nothing is dropped unless the spill file cannot be written either, which
// `health::dropped` counts.
#ifndef MNSCREEN_AUDIT_AUDIT_HPP
#define MNSCREEN_AUDIT_AUDIT_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mnscreen/diagnostic.hpp"  // mnscreen::error, thrown by log

namespace mnscreen::audit {

/// The database schema version this code writes and reads (SQLite `PRAGMA user_version`).
inline constexpr int schema_version = 1;

/// One card of a hook response, as far as the audit needs it: feedback names a card by its
/// uuid only, so the rules behind each card are recorded with the hook call; the
/// override-rate-per-rule summary joins feedback to rules through this.
struct card_ref {
  std::string uuid;
  std::string indicator;  ///< "info", "warning" or "critical"
  /// The rules the card asks the clinician to act on (cds::response_card::rule_ids): a flags
  /// card's flags not overridden in the plan, a proceed card's info flags; none for the
  /// questions card.
  std::vector<std::string> rule_ids;
};

/// One hook call. Strings that do not apply or are not known stay empty.
struct hook_record {
  /// UTC time of the call, `YYYY-MM-DDTHH:MM:SS.mmmZ`; filled with the current time by
  /// `record` when empty. `mnscreen audit --since` compares these texts, so use this form.
  std::string time;
  std::string service;        ///< service id, e.g. "mnscreen-order-sign"
  std::string hook_instance;  ///< the request's hookInstance
  std::string issuer;         ///< the token's `iss` (empty with --insecure-dev)
  /// `context.patientId` (e.g. "Patient/123" or "123"). Replaced by `record` with
  /// `sha256:<hex>` of salt + reference when `options::patient_salt` is set.
  std::string patient_ref;
  std::string decision;               ///< report decision, e.g. "defer"; empty if not screened
  std::vector<std::string> rule_ids;  ///< ids of every flag of the report
  std::vector<card_ref> cards;        ///< the cards returned
  std::string knowledge_version, library_version, model_version, policy_name;
  double latency_ms = 0;
  /// What happened: "cards", "no_cards", "incomplete", "rejected" (4xx), "error" (5xx) or
  /// another short word the server documents.
  std::string outcome;
};

/// One feedback item (`POST /cds-services/{id}/feedback`; a batched body is several items).
struct feedback_record {
  std::string time;           ///< as hook_record::time; filled by `record` when empty
  std::string service;        ///< service id from the URL
  std::string hook_instance;  ///< when known (CDS Hooks feedback does not carry it); else empty
  std::string card_uuid;
  std::string outcome;          ///< "accepted" or "overridden"
  std::string override_reason;  ///< overrideReason.reason.code (or the flat legacy code)
  std::string comment;          ///< overrideReason.userComment
  std::string outcome_timestamp;
};

struct options {
  std::string db_path;  ///< SQLite file; created (mode 0600) with the schema when absent
  /// Append-only NDJSON spill file; empty = `db_path + ".spill.ndjson"`.
  std::string spill_path;
  /// When non-empty, patient references are stored as `sha256:<hex of SHA-256(salt + ref)>`.
  std::string patient_salt;
  std::size_t queue_capacity = 10000;
  /// How often a degraded writer tries the database again.
  std::chrono::milliseconds retry_interval{1000};
  /// How long SQLite waits for a lock held by another connection before the write fails.
  std::chrono::milliseconds busy_timeout{2000};
  /// Group commit: after the first record of a batch arrives, the writer waits up to this long
  /// (or until `max_batch` records, a `flush` or shutdown) so that one transaction — one
  /// fsync — carries the records of many calls. 0 writes each record as soon as it is seen.
  std::chrono::microseconds group_commit{2000};
  /// The most records the writer waits for in one group commit.
  std::size_t max_batch = 256;
  /// Tests only: called on the writer thread before each batch is written.
  std::function<void()> before_batch;
};

/// What `/healthz` and `/metrics` show.
struct health {
  bool degraded = false;        ///< the database cannot be written; records go to the spill
  std::size_t queue_depth = 0;  ///< records waiting for the writer
  std::size_t queue_capacity = 0;
  std::uint64_t spilled = 0;     ///< records in the spill file waiting for replay
  std::uint64_t written = 0;     ///< records committed to the database since start
  std::uint64_t replayed = 0;    ///< of which came from the spill file
  std::uint64_t overflowed = 0;  ///< records that found the queue full (went to the spill)
  std::uint64_t dropped = 0;     ///< records lost: database AND spill file failed
  std::string last_error;        ///< the last database/spill error (no patient data), or ""
};

/// `sha256:` + lowercase hex of SHA-256(salt + ref) (OpenSSL).
[[nodiscard]] std::string hash_patient_ref(std::string_view salt, std::string_view ref);

/// The audit log. Thread-safe: `record`, `flush` and `status` may be called from any thread.
class log {
 public:
  /// Throws mnscreen::error when `db_path` is empty or `queue_capacity` is 0.
  explicit log(options opts);
  ~log();  ///< flushes, then stops the writer
  log(const log&) = delete;
  log& operator=(const log&) = delete;

  void record(hook_record r);
  void record(feedback_record r);

  /// Blocks until every record given before the call is in the database or the spill file.
  void flush();

  [[nodiscard]] health status() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mnscreen::audit

#endif  // MNSCREEN_AUDIT_AUDIT_HPP
