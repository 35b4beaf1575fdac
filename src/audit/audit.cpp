// SPDX-License-Identifier: Apache-2.0
#include "audit/audit.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <mutex>
#include <new>
#include <random>
#include <thread>
#include <utility>

#include "audit/store.hpp"
#include "mnscreen/diagnostic.hpp"

namespace mnscreen::audit {

namespace {

using steady = std::chrono::steady_clock;

// Replay commits in chunks, so that a huge spill file does not make one huge transaction; a
// chunk that was committed before a failure is simply ignored when the replay is repeated.
constexpr std::size_t replay_chunk = 2000;

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string random_prefix() {
  std::random_device rd;
  std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

bool write_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string hash_patient_ref(std::string_view salt, std::string_view ref) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  const bool ok = EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, salt.data(), salt.size()) == 1 &&
                  EVP_DigestUpdate(ctx, ref.data(), ref.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, md, &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) throw mnscreen::error("SHA-256 failed (OpenSSL)");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xF];
  }
  return out;
}

struct log::impl {
  options opts;
  std::string prefix = random_prefix();
  std::atomic<std::uint64_t> counter{0};

  mutable std::mutex m;  // guards everything below up to `writer`
  std::condition_variable cv_work, cv_done;
  std::deque<entry> queue;
  bool stopping = false;
  std::size_t flush_waiters = 0;  // flush() calls waiting: no group-commit wait then
  std::uint64_t queued_total = 0, done_total = 0;
  health h;
  steady::time_point next_retry{};

  std::mutex spill_m;            // one appender/replayer of the spill file at a time
  std::unique_ptr<database> db;  // the writer thread's connection (null while degraded)
  std::thread writer;

  explicit impl(options o) : opts(std::move(o)) {
    if (opts.db_path.empty()) throw mnscreen::error("audit: empty database path");
    if (opts.queue_capacity == 0) throw mnscreen::error("audit: queue capacity 0");
    if (opts.spill_path.empty()) opts.spill_path = opts.db_path + ".spill.ndjson";
    h.queue_capacity = opts.queue_capacity;
    h.spilled = count_spill_lines();
    connect();
    writer = std::thread([this] { run(); });
  }

  ~impl() {
    {
      std::lock_guard lk(m);
      stopping = true;
    }
    cv_work.notify_all();
    writer.join();
  }

  std::uint64_t count_spill_lines() {
    std::ifstream in(opts.spill_path, std::ios::binary);
    std::uint64_t n = 0;
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) ++n;
    return n;
  }

  void degrade(const std::string& why) {
    db.reset();
    std::lock_guard lk(m);
    h.degraded = true;
    h.last_error = why;
    next_retry = steady::now() + opts.retry_interval;
  }

  // Opens the database; on failure the log is degraded until the next retry.
  void connect() {
    try {
      db = std::make_unique<database>(opts.db_path, database::mode::write,
                                      static_cast<int>(opts.busy_timeout.count()));
      // With records waiting in the spill file the log stays degraded until they are replayed
      // (the database may open but still refuse writes, e.g. while another process locks it).
      std::lock_guard lk(m);
      if (h.spilled == 0) {
        h.degraded = false;
        h.last_error.clear();
      }
    } catch (const db_error& e) {
      degrade(opts.db_path + ": " + e.what());
    }
  }

  // Appends the entries to the spill file (one JSON object a line, synced). False on failure.
  bool spill(const std::vector<entry>& entries) {
    std::string data;
    for (const auto& e : entries) {
      data += to_spill_line(e);
      data += '\n';
    }
    std::lock_guard sl(spill_m);
    // Read-write: the last byte is read to see whether the last line is complete.
    const int fd =
        ::open(opts.spill_path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
    int error = fd >= 0 ? 0 : errno;
    bool ok = fd >= 0;
    if (ok) {
      // A torn last line (a crash mid-write) must not swallow the first line appended now.
      struct stat sb {};
      char last = '\n';
      if (::fstat(fd, &sb) == 0 && sb.st_size > 0 && ::pread(fd, &last, 1, sb.st_size - 1) == 1 &&
          last != '\n')
        data.insert(data.begin(), '\n');
      ok = write_all(fd, data) && ::fdatasync(fd) == 0;
      if (!ok) error = errno;
      ::close(fd);
    }
    std::lock_guard lk(m);
    if (ok) {
      h.spilled += entries.size();
    } else {
      h.dropped += entries.size();
      h.last_error = opts.spill_path + ": cannot append to the spill file: " + std::strerror(error);
      std::fprintf(stderr, "mnscreen audit: %zu record(s) lost: %s\n", entries.size(),
                   h.last_error.c_str());
    }
    return ok;
  }

  // Writes the spill file into the database, then empties it. Writer thread only.
  void replay() {
    std::lock_guard sl(spill_m);
    std::ifstream in(opts.spill_path, std::ios::binary);
    std::vector<entry> entries;
    std::string line, rejected;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      if (auto e = from_spill_line(line))
        entries.push_back(std::move(*e));
      else
        rejected += line + '\n';
    }
    in.close();
    std::uint64_t added = 0;
    try {
      for (std::size_t i = 0; i < entries.size(); i += replay_chunk) {
        const auto end = entries.begin() +
                         static_cast<std::ptrdiff_t>(std::min(entries.size(), i + replay_chunk));
        added +=
            db->insert(std::vector<entry>(entries.begin() + static_cast<std::ptrdiff_t>(i), end));
      }
      if (db->file_moved()) throw db_error(0, "the database file was moved, removed or replaced");
    } catch (const db_error& e) {
      degrade(opts.db_path + ": " + e.what());
      return;
    }
    if (!rejected.empty()) {
      // Lines that are not records (a torn line from a crash) are kept aside, never dropped.
      std::ofstream bad(opts.spill_path + ".rejected", std::ios::binary | std::ios::app);
      bad << rejected;
    }
    const int fd = ::open(opts.spill_path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd >= 0) {
      ::fdatasync(fd);
      ::close(fd);
    }
    std::lock_guard lk(m);
    h.spilled = 0;
    h.written += added;
    h.replayed += added;
    h.degraded = false;
    h.last_error.clear();
  }

  void write(std::vector<entry>& batch) {
    if (db) {
      try {
        if (db->file_moved()) throw db_error(0, "the database file was moved, removed or replaced");
        const std::size_t added = db->insert(batch);
        // Committed into a file that is no longer at the path: spill as well, so that the
        // database at the path gets them on replay (INSERT OR IGNORE keeps them single there).
        if (db->file_moved()) throw db_error(0, "the database file was moved, removed or replaced");
        std::lock_guard lk(m);
        h.written += added;
        return;
      } catch (const std::exception& e) {
        degrade(opts.db_path + ": " + e.what());
      }
    }
    spill(batch);
  }

  void run() {
    for (;;) {
      std::vector<entry> batch;
      bool stop = false, retry_due = false, replay_due = false;
      {
        std::unique_lock lk(m);
        auto ready = [&] { return stopping || !queue.empty() || (!h.degraded && h.spilled > 0); };
        if (h.degraded)
          cv_work.wait_until(lk, next_retry, ready);
        else
          cv_work.wait(lk, ready);
        // Group commit: give the calls in flight a moment to add their records, so that one
        // transaction (one fsync) carries many. Never while flushing or stopping.
        if (!h.degraded && !queue.empty() && opts.group_commit.count() > 0) {
          const auto until = steady::now() + opts.group_commit;
          cv_work.wait_until(lk, until, [&] {
            return stopping || flush_waiters > 0 || queue.size() >= opts.max_batch;
          });
        }
        batch.assign(std::make_move_iterator(queue.begin()), std::make_move_iterator(queue.end()));
        queue.clear();
        stop = stopping;
        retry_due = h.degraded && !db && (stop || steady::now() >= next_retry);
        replay_due = h.spilled > 0;
      }
      if (!batch.empty() && opts.before_batch) opts.before_batch();
      if (retry_due) connect();
      if (db && replay_due) replay();
      if (!batch.empty()) write(batch);
      {
        std::lock_guard lk(m);
        done_total += batch.size();
        if (stop && queue.empty()) {
          cv_done.notify_all();
          return;
        }
      }
      cv_done.notify_all();
    }
  }

  void record(entry e) {
    {
      std::lock_guard lk(m);
      if (queue.size() < opts.queue_capacity) {
        queue.push_back(std::move(e));
        ++queued_total;
        // The writer waits for the first record of a batch, or (group commit) for a full
        // batch: waking it for every record would cost a context switch per call.
        if (queue.size() == 1 || queue.size() >= opts.max_batch) cv_work.notify_one();
        return;
      }
      ++h.overflowed;
    }
    // The queue is full: the request thread writes the record to the spill file itself rather
    // than waiting for the writer or dropping it; the writer replays it.
    std::vector<entry> one;
    one.push_back(std::move(e));
    spill(one);
    cv_work.notify_one();
  }

  std::string next_id() {
    return prefix + '-' + std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
  }
};

log::log(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}

log::~log() = default;

void log::record(hook_record r) {
  if (r.time.empty()) r.time = utc_now();
  if (!impl_->opts.patient_salt.empty() && !r.patient_ref.empty())
    r.patient_ref = hash_patient_ref(impl_->opts.patient_salt, r.patient_ref);
  impl_->record(entry{impl_->next_id(), std::move(r)});
}

void log::record(feedback_record r) {
  if (r.time.empty()) r.time = utc_now();
  impl_->record(entry{impl_->next_id(), std::move(r)});
}

void log::flush() {
  std::unique_lock lk(impl_->m);
  const std::uint64_t target = impl_->queued_total;
  ++impl_->flush_waiters;
  impl_->cv_work.notify_one();
  impl_->cv_done.wait(lk, [&] { return impl_->done_total >= target; });
  --impl_->flush_waiters;
}

health log::status() const {
  std::lock_guard lk(impl_->m);
  health out = impl_->h;
  out.queue_depth = impl_->queue.size();
  return out;
}

}  // namespace mnscreen::audit
