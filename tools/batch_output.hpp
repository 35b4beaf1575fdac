// SPDX-License-Identifier: Apache-2.0
// What `mnscreen batch` needs from the operating system: output files that appear under their
// final name only when complete (temporary file in the same directory, fsync, rename), and
// SIGINT/SIGTERM turned into a flag that the batch pipeline polls.
#ifndef MNSCREEN_TOOLS_BATCH_OUTPUT_HPP
#define MNSCREEN_TOOLS_BATCH_OUTPUT_HPP

#include <atomic>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace mnscreen::cli {

/// A buffered stream buffer over a POSIX file descriptor (writes retried on EINTR and short
/// writes). Does not own the descriptor.
class fd_streambuf : public std::streambuf {
 public:
  explicit fd_streambuf(int fd);
  fd_streambuf(const fd_streambuf&) = delete;
  fd_streambuf& operator=(const fd_streambuf&) = delete;
  ~fd_streambuf() override;

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool flush_buffer();
  bool write_all(const char* p, std::size_t n);
  int fd_;
  std::vector<char> buffer_;
};

/// A file written as `.NAME.tmp.XXXXXX` beside its final path and renamed to it by `commit`.
/// Until then the final name is untouched (an earlier file of that name stays as it was);
/// destroying an uncommitted file removes the temporary. A symbolic link is followed: the file
/// it names is replaced, the link stays. A path that names a device, a FIFO or a socket
/// (`/dev/null`, `/dev/stdout`, a named pipe) is written in place, as standard output is:
/// it is never replaced, and what was written before an interrupt has been written.
class atomic_output {
 public:
  /// Creates the temporary file (mode 0666 minus the umask), or opens a device or FIFO for
  /// writing. Null with `error` set when the directory is not writable or does not exist.
  [[nodiscard]] static std::unique_ptr<atomic_output> create(const std::string& path,
                                                             std::string& error);
  atomic_output(const atomic_output&) = delete;
  atomic_output& operator=(const atomic_output&) = delete;
  ~atomic_output();

  [[nodiscard]] std::ostream& stream() noexcept { return stream_; }
  [[nodiscard]] const std::string& path() const noexcept { return final_; }
  /// The temporary file; empty when the path is written in place (a device or a FIFO).
  [[nodiscard]] const std::string& temp_path() const noexcept { return temp_; }
  [[nodiscard]] bool in_place() const noexcept { return temp_.empty(); }

  /// Flushes, fsyncs and closes the temporary file, renames it to the final path (the file a
  /// link names) and fsyncs the directory; in place, flushes and closes. False with `error`
  /// set on any failure (the temporary is then removed).
  bool commit(std::string& error);
  /// Closes and removes the temporary file (no-op after commit).
  void discard() noexcept;

 private:
  atomic_output(std::string final_path, std::string target_path, std::string temp_path, int fd);
  std::string final_;   // as the user gave it, for messages
  std::string target_;  // what is replaced: final_ with its symbolic links followed
  std::string temp_;
  int fd_;
  fd_streambuf buf_;
  std::ostream stream_;
  bool open_ = true;
};

/// While alive, SIGINT and SIGTERM set a flag (and record which signal came) instead of ending
/// the process; the previous handlers are restored on destruction. One at a time.
class interrupt_guard {
 public:
  interrupt_guard();
  interrupt_guard(const interrupt_guard&) = delete;
  interrupt_guard& operator=(const interrupt_guard&) = delete;
  ~interrupt_guard();

  /// The flag the handler sets (for `batch_options::cancel`).
  [[nodiscard]] const std::atomic<bool>& flag() const noexcept;
  /// The signal received, or 0.
  [[nodiscard]] int signal_number() const noexcept;
};

/// A stream buffer that forwards to another and, before the first byte written after
/// `mark_dirty()`, erases the terminal line (`\r` + erase-line): error lines written to a
/// terminal then do not run into a progress line.
class line_clearing_streambuf : public std::streambuf {
 public:
  explicit line_clearing_streambuf(std::streambuf* target) : target_(target) {}
  void mark_dirty() noexcept { dirty_ = true; }
  /// Erases the progress line now if one is shown.
  void clear_line();

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  std::streambuf* target_;
  bool dirty_ = false;
};

}  // namespace mnscreen::cli

#endif  // MNSCREEN_TOOLS_BATCH_OUTPUT_HPP
