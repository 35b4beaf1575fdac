// SPDX-License-Identifier: Apache-2.0
// The batch pipeline: one reader thread, N worker threads, and the calling thread as the
// writer, sharing a fixed pool of chunks. A chunk goes free -> read -> queued -> screened ->
// written -> free; the writer takes chunks strictly in the order they were read, so the output
// order is the input order whatever the thread timing.
#include "batch/pipeline.hpp"
#include "io/json_write.hpp"
#include "json/text.hpp"
#include "mnscreen/diagnostic.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <ostream>
#include <thread>

namespace mnscreen::detail {
namespace {

// How often a waiting thread looks at the cancel flag (a signal handler cannot notify a
// condition variable, so waits are bounded).
constexpr auto cancel_poll = std::chrono::milliseconds(20);

void add_counts(batch_summary& total, const batch_summary& c) noexcept {
  total.records += c.records;
  total.blank += c.blank;
  total.screened += c.screened;
  total.failed += c.failed;
  for (std::size_t i = 0; i < decision_count; ++i) total.decisions[i] += c.decisions[i];
}

// Writes a chunk's lines; false if a stream failed.
bool write_chunk(std::ostream& output, std::ostream& errors, const chunk_output& o) {
  if (!o.out.empty()) output.write(o.out.data(), static_cast<std::streamsize>(o.out.size()));
  if (!o.err.empty()) errors.write(o.err.data(), static_cast<std::streamsize>(o.err.size()));
  return output.good() && errors.good();
}

// Returns a buffer's memory once it grew far beyond a normal chunk (after an over-long line),
// so that one large record does not keep its memory for the rest of the run.
void trim_capacity(std::string& s, std::size_t normal) {
  if (s.capacity() > 4 * normal) std::string().swap(s);
}

struct slot {
  work_chunk in;
  chunk_output out;
  std::size_t seq = 0;
  bool done = false;
};

batch_summary run_sequential(batch_job& job, std::ostream& output, std::ostream& errors,
                             const batch_options& opt, rule_tally* rules) {
  batch_summary total;
  slot s;
  s.out.count_rules = rules != nullptr;
  worker_state state;
  for (bool more = true; more;) {
    if (is_cancelled(opt.cancel)) {
      total.cancelled = true;
      break;
    }
    s.in.clear();
    more = job.read(s.in, opt.chunk_records, opt.chunk_bytes);
    s.out.clear();
    job.process(s.in, s.out, state, opt.cancel);
    if (is_cancelled(opt.cancel)) {
      total.cancelled = true;
      break;
    }
    if (!write_chunk(output, errors, s.out)) {
      total.output_error = true;
      break;
    }
    add_counts(total, s.out.counts);
    if (rules != nullptr) rules->add(s.out.rules);
    if (opt.progress) opt.progress(total);
    trim_capacity(s.in.data, opt.chunk_bytes);
    trim_capacity(s.out.out, opt.chunk_bytes);
    trim_capacity(s.out.err, opt.chunk_bytes);
  }
  total.input_error = job.input_failed();
  return total;
}

class parallel_run {
 public:
  parallel_run(batch_job& job, const batch_options& opt, unsigned workers, rule_tally* rules)
      : job_(job), opt_(opt), rules_(rules), slots_(2 * std::size_t{workers} + 2) {
    for (std::size_t i = slots_.size(); i-- > 0;) free_.push_back(i);
    for (slot& s : slots_) s.out.count_rules = rules != nullptr;
  }

  batch_summary run(std::ostream& output, std::ostream& errors, unsigned workers) {
    batch_summary total;
    {
      std::vector<std::jthread> threads;
      // Declared after `threads`, so destroyed first: on any exit (an exception from the
      // progress callback included) the threads are told to stop before they are joined.
      struct stopper {
        parallel_run& r;
        ~stopper() { r.request_stop(); }
      } stop_on_exit{*this};
      threads.emplace_back([this] { reader(); });
      for (unsigned i = 0; i < workers; ++i) threads.emplace_back([this] { worker(); });
      writer(output, errors, total);
    }
    if (error_) std::rethrow_exception(error_);
    total.cancelled = cancelled_;
    total.input_error = job_.input_failed();
    return total;
  }

 private:
  bool poll_cancel() {  // with the lock held
    if (!stop_ && is_cancelled(opt_.cancel)) {
      stop_ = true;
      cancelled_ = true;
      all_.notify_all();
    }
    return stop_;
  }

  void request_stop() {
    {
      const std::lock_guard lock(m_);
      stop_ = true;
    }
    all_.notify_all();
  }

  void fail(std::exception_ptr e) {
    {
      const std::lock_guard lock(m_);
      if (!error_) error_ = std::move(e);
      stop_ = true;
    }
    all_.notify_all();
  }

  void reader() {
    try {
      for (;;) {
        std::size_t idx = 0;
        {
          std::unique_lock lock(m_);
          while (free_.empty() && !poll_cancel()) all_.wait_for(lock, cancel_poll);
          if (poll_cancel()) break;
          idx = free_.back();
          free_.pop_back();
        }
        slot& s = slots_[idx];
        s.in.clear();
        const bool more = job_.read(s.in, opt_.chunk_records, opt_.chunk_bytes);
        {
          const std::lock_guard lock(m_);
          s.seq = chunks_read_++;
          s.done = false;
          work_.push_back(idx);
          if (!more) reading_done_ = true;
        }
        all_.notify_all();
        if (!more) return;
      }
    } catch (...) {
      fail(std::current_exception());
    }
    const std::lock_guard lock(m_);
    reading_done_ = true;
  }

  void worker() {
    try {
      worker_state state;  // this worker's reports, reused chunk after chunk
      for (;;) {
        std::size_t idx = 0;
        {
          std::unique_lock lock(m_);
          while (work_.empty() && !reading_done_ && !poll_cancel())
            all_.wait_for(lock, cancel_poll);
          if (poll_cancel() || work_.empty()) return;
          idx = work_.front();
          work_.pop_front();
        }
        slot& s = slots_[idx];
        s.out.clear();
        job_.process(s.in, s.out, state, opt_.cancel);
        {
          const std::lock_guard lock(m_);
          if (poll_cancel()) return;
          s.done = true;
        }
        all_.notify_all();
      }
    } catch (...) {
      fail(std::current_exception());
    }
  }

  void writer(std::ostream& output, std::ostream& errors, batch_summary& total) {
    for (std::size_t next = 0;; ++next) {
      slot* s = nullptr;
      {
        std::unique_lock lock(m_);
        for (;;) {
          if (poll_cancel()) return;
          const auto it = std::find_if(slots_.begin(), slots_.end(),
                                       [&](const slot& x) { return x.done && x.seq == next; });
          if (it != slots_.end()) {
            s = &*it;
            break;
          }
          if (reading_done_ && next == chunks_read_) return;
          all_.wait_for(lock, cancel_poll);
        }
      }
      if (!write_chunk(output, errors, s->out)) {
        total.output_error = true;
        return;
      }
      add_counts(total, s->out.counts);
      if (rules_ != nullptr) rules_->add(s->out.rules);
      if (opt_.progress) opt_.progress(total);
      trim_capacity(s->in.data, opt_.chunk_bytes);
      trim_capacity(s->out.out, opt_.chunk_bytes);
      trim_capacity(s->out.err, opt_.chunk_bytes);
      {
        const std::lock_guard lock(m_);
        s->done = false;
        free_.push_back(static_cast<std::size_t>(s - slots_.data()));
      }
      all_.notify_all();
    }
  }

  batch_job& job_;
  const batch_options& opt_;
  rule_tally* rules_;
  std::mutex m_;
  std::condition_variable all_;
  std::vector<slot> slots_;
  std::vector<std::size_t> free_;
  std::deque<std::size_t> work_;
  std::size_t chunks_read_ = 0;
  bool reading_done_ = false;
  bool stop_ = false;
  bool cancelled_ = false;
  std::exception_ptr error_;
};

}  // namespace

void rule_tally::add(std::string_view rule_id, std::size_t n) {
  for (auto& [id, count] : counts_) {
    if (id == rule_id) {
      count += n;
      return;
    }
  }
  counts_.emplace_back(rule_id, n);
}

void chunk_output::add_report(std::string_view id, std::string_view key, std::size_t number,
                              const report& rep) {
  // The line is written whole, and the flags tallied, before the record is counted; if that
  // fails (only an allocation can, here), the line is taken back and the exception goes on to
  // the caller, which reports the record as failed: the chunk then holds no part of a line it
  // also counts as failed, and no count of it as screened.
  const std::size_t at = out.size();
  try {
    out += "{\"id\":";
    out += id;
    out += ",\"";
    out += key;
    out += "\":";
    out += std::to_string(number);
    out += ",\"report\":";
    // The text of to_json(rep), written in the run's one buffer, not a string of its own.
    json_detail::writer w(std::move(json_room), io::report_text_room);
    io::write_report(w, rep);
    out += w.text();
    json_room = std::move(w).release_room();
    out += "}\n";
    if (count_rules) rules.add(rep);
  } catch (...) {
    out.resize(at);
    throw;
  }
  ++counts.screened;
  ++counts.decisions[static_cast<std::size_t>(rep.decision)];
}

void rule_tally::add(const report& rep) {
  // Every id first (the only step that allocates), then the counts: if an allocation fails,
  // the tally has at most new ids counted 0 (which change no total), never part of a report.
  for (const flag& f : rep.flags) add(f.rule_id, 0);
  for (const flag& f : rep.flags) add(f.rule_id, 1);
}

void rule_tally::add(const rule_tally& other) {
  for (const auto& [id, n] : other.counts_)
    if (n > 0) add(id, n);
}

void rule_tally::reset() noexcept {
  for (auto& entry : counts_) entry.second = 0;
}

batch_summary run_batch(batch_job& job, std::ostream& output, std::ostream& errors,
                        const batch_options& options, rule_tally* rules) {
  if (options.chunk_records == 0)
    throw mnscreen::error("mnscreen: batch_options::chunk_records must be at least 1");
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  if (threads == 1) return run_sequential(job, output, errors, options, rules);
  parallel_run run(job, options, threads, rules);
  return run.run(output, errors, threads);
}

// --- JSON text -----------------------------------------------------------------------------

namespace {

void append_number(std::string& out, std::size_t n) { out += std::to_string(n); }

}  // namespace

void append_error_record(std::string& out, std::string_view number_key, std::size_t number,
                         std::string_view id_json, const std::vector<diagnostic>& ds) {
  out += "{\"";
  out += number_key;
  out += "\":";
  append_number(out, number);
  if (!id_json.empty()) {
    out += ",\"id\":";
    out += id_json;
  }
  const auto first = std::find_if(
      ds.begin(), ds.end(), [](const diagnostic& d) { return d.severity != severity::warning; });
  out += ",\"reason\":";
  json_detail::append_quoted(out, first == ds.end()
                                      ? std::string("the record could not be screened")
                                      : first->path + ": " + first->message);
  out += ",\"diagnostics\":[";
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const diagnostic& d = ds[i];
    if (i > 0) out += ',';
    out += "{\"severity\":";
    json_detail::append_quoted(out, to_string(d.severity));
    out += ",\"code\":";
    json_detail::append_quoted(out, d.code);
    out += ",\"path\":";
    json_detail::append_quoted(out, d.path);
    out += ",\"message\":";
    json_detail::append_quoted(out, d.message);
    out += '}';
  }
  out += "]}\n";
}

}  // namespace mnscreen::detail
