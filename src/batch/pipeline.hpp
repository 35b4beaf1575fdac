// SPDX-License-Identifier: Apache-2.0
// Private: the streaming pipeline shared by every batch source (NDJSON lines, FHIR Bulk Data
// patients). A source fills chunks of records on one thread; workers turn each chunk into its
// output and error lines; the calling thread writes chunks in sequence order. The chunks are a
// fixed pool reused for the whole run, so memory is bounded by the pool, not by the input.
#ifndef MNSCREEN_SRC_BATCH_PIPELINE_HPP
#define MNSCREEN_SRC_BATCH_PIPELINE_HPP

#include <atomic>
#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mnscreen/batch.hpp"
#include "mnscreen/patient.hpp"
#include "mnscreen/procedure.hpp"
#include "mnscreen/report.hpp"

namespace mnscreen::detail {

/// One record of a chunk. For line sources `text` is `[offset, offset + size)` of the chunk's
/// data; `full_size` is the length of the whole line (larger than `size` when the line was
/// over the limit and only its start was kept). Sources without text (FHIR patients) use
/// `number` alone.
struct work_item {
  /// 1-based line number, or 0-based patient index.
  std::size_t number = 0;
  std::size_t offset = 0;
  std::size_t size = 0;
  std::size_t full_size = 0;
};

/// Records read together and handed to one worker.
struct work_chunk {
  std::string data;
  std::vector<work_item> items;

  [[nodiscard]] std::string_view text(const work_item& it) const noexcept {
    return std::string_view(data).substr(it.offset, it.size);
  }
  void clear() noexcept {
    data.clear();
    items.clear();
  }
};

/// Flags per rule id (overridden flags included: every flag of a written report), kept when a
/// run asks for them (the cluster example's summary) rather than found again in the output text.
/// Ids in the order first seen; a run sees a few tens of distinct rules, so a linear search.
class rule_tally {
 public:
  /// Counts each flag of `rep` under its rule id. If it throws (an allocation failure), no
  /// count has changed; ids not seen before may have been added with count 0.
  void add(const report& rep);
  void add(const rule_tally& other);
  /// Every count back to 0 (the ids and their strings are kept for the next chunk).
  void reset() noexcept;
  [[nodiscard]] const std::vector<std::pair<std::string, std::size_t>>& counts() const noexcept {
    return counts_;
  }

 private:
  void add(std::string_view rule_id, std::size_t n);
  std::vector<std::pair<std::string, std::size_t>> counts_;
};

/// What a worker made of one chunk: output lines, error lines and their counts.
struct chunk_output {
  std::string out;
  std::string err;
  batch_summary counts;
  /// Flags per rule id of the reports in `out`, when `count_rules` (set for the whole run).
  rule_tally rules;
  bool count_rules = false;
  /// Storage of the reports' JSON text, written one after another through it (kept for the
  /// run, so a report costs no allocation of its own).
  std::string json_room;

  /// A screened record's output line, `{"id":<id>,"<key>":<number>,"report":{...}}\n` (`id` is
  /// JSON text), counted: screened, its decision, and its flags if the run asked for them.
  /// All or nothing: if it throws (an allocation failure), `out`, `counts` and `rules` are as
  /// they were (`rules` may have gained ids counted 0).
  void add_report(std::string_view id, std::string_view key, std::size_t number, const report& rep);
  void clear() noexcept {
    out.clear();
    err.clear();
    counts = batch_summary{};
    rules.reset();
  }
};

/// What a worker keeps from one chunk to the next: the reports of its last chunk, screened
/// into again (`screener::screen_many` over a span) so that their lists and strings keep their
/// capacity. One per worker thread (one in all with `threads == 1`), never shared. Its size is
/// bounded: at most `chunk_records` reports, each bounded by the rule catalogue and the policy
/// (flags, risks, advice; warnings and questions are replaced, not grown, by each screen).
struct worker_state {
  std::vector<report> reports;
  /// The records of the chunk being screened, emptied by each chunk (their elements are the
  /// chunk's; only the lists' arrays are kept, so a chunk does not allocate them again).
  std::vector<intake> intakes;
  std::vector<procedure_plan> plans;

  /// The first `n` reports, to be overwritten (grows the pool to `n` if needed; never shrinks
  /// it, so a short last chunk does not destroy reports the next run would reuse).
  [[nodiscard]] std::span<report> reports_for(std::size_t n) {
    if (reports.size() < n) reports.resize(n);
    return std::span<report>(reports).first(n);
  }
};

/// A batch source: how records are read and how one record becomes its lines.
class batch_job {
 public:
  batch_job() = default;
  batch_job(const batch_job&) = delete;
  batch_job& operator=(const batch_job&) = delete;
  virtual ~batch_job() = default;

  /// Fills the (cleared) chunk with the next records, at most `max_records` and about
  /// `max_bytes` of data. Called on one thread at a time, in order. Returns false when the
  /// input is exhausted (the chunk may still hold the last records).
  virtual bool read(work_chunk& chunk, std::size_t max_records, std::size_t max_bytes) = 0;
  /// True if reading stopped on an I/O error rather than at the end of the input.
  [[nodiscard]] virtual bool input_failed() const noexcept = 0;
  /// Screens the records of a chunk into `out` (lines appended, counts added), using the
  /// calling worker's `state` (reports reused from its previous chunk). Called on several
  /// threads at once for different chunks, each with its own state; must not throw for bad
  /// data. Stops early (leaving the output incomplete) when `cancelled()` returns true.
  virtual void process(const work_chunk& chunk, chunk_output& out, worker_state& state,
                       const std::atomic<bool>* cancel) const = 0;
};

/// True once `cancel` is set.
[[nodiscard]] inline bool is_cancelled(const std::atomic<bool>* cancel) noexcept {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

/// Runs `job` to the end of its input (or until cancelled / an I/O error), writing each
/// chunk's lines to `output` and `errors` in order on the calling thread. With `rules`, the
/// flags per rule id of every report written are added to it.
[[nodiscard]] batch_summary run_batch(batch_job& job, std::ostream& output, std::ostream& errors,
                                      const batch_options& options, rule_tally* rules = nullptr);

/// `mnscreen::batch_screen` and `batch_screen_fhir` (batch.hpp), also counting the flags per
/// rule id of the reports written into `rules` (not null). For the Python extension, whose
/// cluster example reports them in its summary.
[[nodiscard]] batch_summary batch_screen_counted(std::istream& input, std::ostream& output,
                                                 std::ostream& errors, const screener& s,
                                                 const batch_options& options, rule_tally& rules);
[[nodiscard]] batch_summary batch_screen_fhir_counted(
    const fhir_bulk_export& bulk, const procedure_plan& plan, std::ostream& output,
    std::ostream& errors, const screener& s, const batch_options& options, rule_tally& rules);

// --- JSON text helpers for the output lines --------------------------------------------------

/// Appends an error record: `{"<number_key>": n, "id": <id_json>, "reason": ..., "diagnostics":
/// [...]}`, then a newline. `id_json` is raw JSON text (left out when empty). The reason is the
/// first error (or fatal) diagnostic as `path: message`. Strings go through the escaper of
/// src/json (json_detail::append_quoted).
void append_error_record(std::string& out, std::string_view number_key, std::size_t number,
                         std::string_view id_json, const std::vector<diagnostic>& ds);

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_BATCH_PIPELINE_HPP
