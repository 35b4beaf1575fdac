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
#include <vector>

#include "mnscreen/batch.hpp"
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

/// What a worker made of one chunk: output lines, error lines and their counts.
struct chunk_output {
  std::string out;
  std::string err;
  batch_summary counts;

  void clear() noexcept {
    out.clear();
    err.clear();
    counts = batch_summary{};
  }
};

/// What a worker keeps from one chunk to the next: the reports of its last chunk, screened
/// into again (`screener::screen_many` over a span) so that their lists and strings keep their
/// capacity. One per worker thread (one in all with `threads == 1`), never shared. Its size is
/// bounded: at most `chunk_records` reports, each bounded by the rule catalogue and the policy
/// (flags, risks, advice; warnings and questions are replaced, not grown, by each screen).
struct worker_state {
  std::vector<report> reports;

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
/// chunk's lines to `output` and `errors` in order on the calling thread.
[[nodiscard]] batch_summary run_batch(batch_job& job, std::ostream& output, std::ostream& errors,
                                      const batch_options& options);

// --- JSON text helpers for the output lines --------------------------------------------------

/// Appends an error record: `{"<number_key>": n, "id": <id_json>, "reason": ..., "diagnostics":
/// [...]}`, then a newline. `id_json` is raw JSON text (left out when empty). The reason is the
/// first error (or fatal) diagnostic as `path: message`. Strings go through the escaper of
/// src/json (json_detail::append_quoted).
void append_error_record(std::string& out, std::string_view number_key, std::size_t number,
                         std::string_view id_json, const std::vector<diagnostic>& ds);

}  // namespace mnscreen::detail

#endif  // MNSCREEN_SRC_BATCH_PIPELINE_HPP
