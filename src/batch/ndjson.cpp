// SPDX-License-Identifier: Apache-2.0
// NDJSON batch source: one `{"id", "intake", "plan"}` record a line. Lines are read in large
// blocks and cut at newlines without growing past the size limit; each line is screened with
// the io readers and the screener, and becomes one output or one errors line.
#include "mnscreen/batch.hpp"

#include <cstring>
#include <istream>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "batch/envelope.hpp"
#include "batch/pipeline.hpp"
#include "mnscreen/diagnostic.hpp"

namespace mnscreen {
namespace detail {
namespace {

// Bytes of an over-long line kept to find its id.
constexpr std::size_t kept_prefix = 4096;
constexpr std::size_t read_block = std::size_t{1} << 16;

std::string_view trim(std::string_view s) noexcept {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Moves a reader's diagnostics of an embedded document under `$.<member>`. The document's
// `schema` may be left out in a batch line: the line says what it is.
void add_embedded(std::vector<diagnostic>& out, std::vector<diagnostic>&& found,
                  std::string_view member) {
  for (auto& d : found) {
    if (d.code == "missing_field" && d.path == "$.schema") continue;
    std::string path = "$.";
    path += member;
    if (d.path.size() > 1) path.append(d.path, 1);
    d.path = std::move(path);
    out.push_back(std::move(d));
  }
}

// The screener's diagnostics name paths of the intake or of the plan: put each under its
// member of the line.
std::string screener_path(std::string_view path) {
  static constexpr std::string_view intake_members[] = {
      "$.patient", "$.conditions", "$.medications", "$.allergies",
      "$.devices", "$.procedures", "$.labs",        "$.negatives"};
  std::string out = "$.plan";
  for (std::string_view m : intake_members)
    if (path.starts_with(m)) out = "$.intake";
  if (path.size() > 1) out.append(path.substr(1));
  return out;
}

class ndjson_job final : public batch_job {
 public:
  ndjson_job(std::istream& in, const screener& s, const read_limits& limits, std::size_t first_line)
      : in_(in), screener_(s), limits_(limits), buffer_(read_block), line_(first_line - 1) {}

  bool read(work_chunk& chunk, std::size_t max_records, std::size_t max_bytes) override {
    while (chunk.items.size() < max_records && chunk.data.size() < max_bytes)
      if (!read_line(chunk)) return false;
    return true;
  }

  [[nodiscard]] bool input_failed() const noexcept override { return failed_; }

  // A chunk is screened in three steps: every line is read (envelope, intake, plan); the
  // readable ones are screened together with screener::screen_many into the worker's reports
  // of its previous chunk (the rules per patient, the risk scores of the chunk as one matrix
  // product); then each line's output or error record is written, in line order.
  void process(const work_chunk& chunk, chunk_output& out, worker_state& state,
               const std::atomic<bool>* cancel) const override {
    const std::size_t n = chunk.items.size();
    std::vector<line_state> lines(n);
    // The worker's lists of the previous chunk, emptied: their arrays are reused.
    std::vector<intake>& intakes = state.intakes;
    std::vector<procedure_plan>& plans = state.plans;
    intakes.clear();
    plans.clear();
    intakes.reserve(n);
    plans.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (is_cancelled(cancel)) return;
      const work_item& item = chunk.items[i];
      try {
        read_line_record(chunk.text(item), item, lines[i], intakes, plans);
      } catch (const std::exception& e) {
        lines[i].kind = line_state::internal_error;
        lines[i].error = e.what();
      }
    }

    const std::span<report> reports = state.reports_for(intakes.size());
    bool batched = true;
    try {
      screener_.screen_many(intakes, plans, reports);
    } catch (const std::exception&) {
      batched = false;  // screened again line by line below, so each line reports its own error
    }

    for (std::size_t i = 0; i < n; ++i) {
      if (is_cancelled(cancel)) return;
      const work_item& item = chunk.items[i];
      line_state& line = lines[i];
      ++out.counts.records;
      try {
        switch (line.kind) {
          case line_state::blank:
            ++out.counts.blank;
            break;
          case line_state::failed:
            ++out.counts.failed;
            out.err += line.error;
            break;
          case line_state::internal_error:
            throw mnscreen::error(line.error);
          case line_state::screen: {
            report& rep = reports[line.index];
            if (!batched) screener_.screen_into(intakes[line.index], plans[line.index], rep);
            write_report(rep, item, line, out);
            break;
          }
        }
      } catch (const std::exception& e) {
        // Not bad data (that never throws): a resource or contract problem. The record is
        // reported, the run goes on.
        ++out.counts.failed;
        append_error_record(out.err, "line", item.number, {},
                            {{severity::fatal, "internal_error", "$",
                              std::string("the record could not be screened: ") + e.what()}});
      }
    }
  }

 private:
  bool refill() {
    if (eof_) return false;
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    const auto n = static_cast<std::size_t>(in_.gcount());
    if (n == 0) {
      eof_ = true;
      failed_ = in_.bad();
      return false;
    }
    pos_ = 0;
    end_ = n;
    return true;
  }

  // Appends the next line to the chunk; false at the end of the input.
  bool read_line(work_chunk& chunk) {
    const std::size_t start = chunk.data.size();
    std::size_t full = 0;
    bool any = false;
    bool over = false;
    for (;;) {
      if (pos_ == end_ && !refill()) {
        if (!any) return false;
        break;
      }
      any = true;
      const char* p = buffer_.data() + pos_;
      const std::size_t avail = end_ - pos_;
      const void* nl = std::memchr(p, '\n', avail);
      const std::size_t seg =
          nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - p) : avail;
      if (!over) {
        if (full + seg <= limits_.max_bytes) {
          chunk.data.append(p, seg);
        } else {
          // Over the limit: keep only the start (for the id) and count the rest.
          over = true;
          const std::size_t kept = std::min(kept_prefix, full);
          chunk.data.resize(start + kept);
          if (kept < kept_prefix) chunk.data.append(p, std::min(seg, kept_prefix - kept));
        }
      }
      full += seg;
      pos_ += seg + (nl != nullptr ? 1 : 0);
      if (nl != nullptr) break;
    }
    ++line_;
    if (!over && chunk.data.size() > start && chunk.data.back() == '\r') chunk.data.pop_back();
    chunk.items.push_back({line_, start, chunk.data.size() - start, full});
    return true;
  }

  // What the first step made of a line.
  struct line_state {
    enum kind_t { blank, failed, internal_error, screen } kind = blank;
    std::string error;      // failed: the error record; internal_error: the exception's message
    std::size_t index = 0;  // screen: index in the chunk's intakes, plans and reports
    std::string_view id;    // screen: the id's JSON text (in the chunk's data)
    std::vector<diagnostic> ds;  // screen: the readers' warnings
  };

  void read_line_record(std::string_view text, const work_item& item, line_state& line,
                        std::vector<intake>& intakes, std::vector<procedure_plan>& plans) const {
    if (item.full_size > limits_.max_bytes) {
      line.kind = line_state::failed;
      append_error_record(
          line.error, "line", item.number, scan_id_prefix(text),
          {{severity::fatal, "line_too_large", "$",
            "the line is " + std::to_string(item.full_size) + " bytes, over the limit of " +
                std::to_string(limits_.max_bytes) + " bytes; it was not read"}});
      return;
    }
    text = trim(text);
    if (text.empty()) {
      line.kind = line_state::blank;
      return;
    }
    // The intake and plan were read with the envelope when the streaming readers could; else
    // their text is read here (the tree readers write the diagnostics).
    envelope env = read_envelope(text, limits_);
    std::vector<diagnostic> ds = std::move(env.diagnostics);
    if (!env.intake_read && !env.intake.empty())
      env.intake_read = parse_intake(env.intake, limits_);
    if (env.intake_read) add_embedded(ds, std::move(env.intake_read->diagnostics), "intake");
    if (!env.plan_read && !env.plan.empty()) env.plan_read = parse_plan(env.plan, limits_);
    if (env.plan_read) add_embedded(ds, std::move(env.plan_read->diagnostics), "plan");
    if (env.malformed || has_errors(ds)) {
      line.kind = line_state::failed;
      append_error_record(line.error, "line", item.number, env.id, ds);
      return;
    }
    line.kind = line_state::screen;
    line.index = intakes.size();
    line.id = env.id;
    line.ds = std::move(ds);
    // Both were read: a missing or unreadable member is an error.
    intakes.push_back(std::move(env.intake_read.value().value));
    plans.push_back(std::move(env.plan_read.value().value));
  }

  // `rep` stays the worker's: it is changed (warnings added or moved out) but kept, and the
  // next screen into it replaces every field.
  static void write_report(report& rep, const work_item& item, line_state& line,
                           chunk_output& out) {
    std::vector<diagnostic>& ds = line.ds;
    if (rep.decision == decision::cannot_screen) {
      // A check only the screener makes (a birth date after the plan date...).
      for (auto& d : rep.warnings) {
        d.path = screener_path(d.path);
        ds.push_back(std::move(d));
      }
      ++out.counts.failed;
      append_error_record(out.err, "line", item.number, line.id, ds);
      return;
    }
    for (auto& d : ds) rep.warnings.push_back(std::move(d));
    out.add_report(line.id, "line", item.number, rep);
  }

  std::istream& in_;
  const screener& screener_;
  read_limits limits_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::size_t line_ = 0;
  bool eof_ = false;
  bool failed_ = false;
};

}  // namespace
}  // namespace detail

namespace detail {
namespace {

batch_summary run_ndjson(std::istream& input, std::ostream& output, std::ostream& errors,
                         const screener& s, const batch_options& options, rule_tally* rules) {
  if (options.first_line == 0)
    throw mnscreen::error("batch_options::first_line must be at least 1");
  ndjson_job job(input, s, options.limits, options.first_line);
  return run_batch(job, output, errors, options, rules);
}

}  // namespace

batch_summary batch_screen_counted(std::istream& input, std::ostream& output, std::ostream& errors,
                                   const screener& s, const batch_options& options,
                                   rule_tally& rules) {
  return run_ndjson(input, output, errors, s, options, &rules);
}

}  // namespace detail

batch_summary batch_screen(std::istream& input, std::ostream& output, std::ostream& errors,
                           const screener& s, const batch_options& options) {
  return detail::run_ndjson(input, output, errors, s, options, nullptr);
}

}  // namespace mnscreen
