// SPDX-License-Identifier: Apache-2.0
#include "batch_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace mnscreen::cli {

// --- fd_streambuf ----------------------------------------------------------------------------

fd_streambuf::fd_streambuf(int fd) : fd_(fd), buffer_(std::size_t{1} << 18) {
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

fd_streambuf::~fd_streambuf() = default;

bool fd_streambuf::write_all(const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool fd_streambuf::flush_buffer() {
  const auto n = static_cast<std::size_t>(pptr() - pbase());
  const bool ok = write_all(pbase(), n);
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return ok;
}

fd_streambuf::int_type fd_streambuf::overflow(int_type ch) {
  if (!flush_buffer()) return traits_type::eof();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

std::streamsize fd_streambuf::xsputn(const char* s, std::streamsize n) {
  const auto size = static_cast<std::size_t>(n);
  const auto room = static_cast<std::size_t>(epptr() - pptr());
  if (size <= room) {
    std::memcpy(pptr(), s, size);
    pbump(static_cast<int>(n));
    return n;
  }
  if (!flush_buffer()) return 0;
  if (size >= buffer_.size()) return write_all(s, size) ? n : 0;
  std::memcpy(pptr(), s, size);
  pbump(static_cast<int>(n));
  return n;
}

int fd_streambuf::sync() { return flush_buffer() ? 0 : -1; }

// --- atomic_output ---------------------------------------------------------------------------

namespace {

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

void fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // the rename is done; a directory that cannot be opened is not an error
  (void)::fsync(fd);
  (void)::close(fd);
}

}  // namespace

atomic_output::atomic_output(std::string final_path, std::string target_path, std::string temp_path,
                             int fd)
    : final_(std::move(final_path)),
      target_(std::move(target_path)),
      temp_(std::move(temp_path)),
      fd_(fd),
      buf_(fd),
      stream_(&buf_) {}

namespace {

/// The file a path names once its symbolic links are followed (also a link whose file does
/// not exist yet): that file is replaced, the links stay. At most 40 links, as the kernel.
std::filesystem::path link_target(std::filesystem::path p) {
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(p, ec))) break;
    const auto next = std::filesystem::read_symlink(p, ec);
    if (ec) break;
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
  return p;
}

}  // namespace

std::unique_ptr<atomic_output> atomic_output::create(const std::string& path, std::string& error) {
  const std::filesystem::path final_path(path);
  if (final_path.filename().empty()) {
    error = path + ": not a file name";
    return nullptr;
  }
  std::error_code ec;
  const auto status = std::filesystem::status(final_path, ec);
  if (std::filesystem::is_directory(status)) {
    error = path + ": is a directory";
    return nullptr;
  }
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    // A device, a FIFO or a socket (/dev/null, /dev/stdout, a named pipe read by another
    // program): written in place. Replacing it by a renamed file would turn /dev/null into a
    // regular file for the whole machine.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
      error = path + ": cannot be opened for writing (" + errno_text(errno) + ")";
      return nullptr;
    }
    return std::unique_ptr<atomic_output>(new atomic_output(path, path, std::string(), fd));
  }
  const std::filesystem::path target = link_target(final_path);
  const std::filesystem::path dir = target.parent_path();
  std::string temp_name = ".";
  temp_name += target.filename().string();
  temp_name += ".tmp.XXXXXX";
  std::string temp = (dir / temp_name).string();
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    error = path + ": cannot create a file in " +
            (dir.empty() ? std::string("the current directory") : dir.string()) + " (" +
            errno_text(errno) + ")";
    return nullptr;
  }
  (void)::fcntl(fd, F_SETFD, FD_CLOEXEC);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  (void)::fchmod(fd, static_cast<mode_t>(0666U & ~static_cast<unsigned>(mask)));
  temp.assign(name.data());
  return std::unique_ptr<atomic_output>(
      new atomic_output(path, target.string(), std::move(temp), fd));
}

atomic_output::~atomic_output() { discard(); }

bool atomic_output::commit(std::string& error) {
  if (!open_) {
    error = final_ + ": already closed";
    return false;
  }
  stream_.flush();
  if (!stream_) {
    error = final_ + ": cannot write (" + errno_text(errno) + ")";
    discard();
    return false;
  }
  if (in_place()) {
    // A device or a pipe: nothing to flush to disk or rename.
    open_ = false;
    if (::close(fd_) != 0) {
      error = final_ + ": cannot close (" + errno_text(errno) + ")";
      return false;
    }
    return true;
  }
  if (::fsync(fd_) != 0) {
    error = final_ + ": cannot flush to disk (" + errno_text(errno) + ")";
    discard();
    return false;
  }
  const int closed = ::close(fd_);
  open_ = false;
  if (closed != 0) {
    error = final_ + ": cannot close (" + errno_text(errno) + ")";
    (void)::unlink(temp_.c_str());
    return false;
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    error = final_ + ": cannot rename " + temp_ + " to " + target_ + " (" + errno_text(errno) + ")";
    (void)::unlink(temp_.c_str());
    return false;
  }
  fsync_directory(std::filesystem::path(target_).parent_path());
  return true;
}

void atomic_output::discard() noexcept {
  if (!open_) return;
  open_ = false;
  (void)::close(fd_);
  if (!in_place()) (void)::unlink(temp_.c_str());
}

// --- interrupt_guard -------------------------------------------------------------------------

namespace {

// The only process-wide state of the tool: what a signal handler may touch.
std::atomic<bool> interrupted{false};
std::atomic<int> interrupt_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the signal handler needs lock-free atomics to be async-signal-safe");

struct sigaction old_int {};
struct sigaction old_term {};

extern "C" void on_interrupt(int sig) {
  interrupt_signal.store(sig, std::memory_order_relaxed);
  interrupted.store(true, std::memory_order_relaxed);
}

}  // namespace

interrupt_guard::interrupt_guard() {
  interrupted.store(false);
  interrupt_signal.store(0);
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // reads and writes resume; the pipeline polls the flag
  (void)::sigaction(SIGINT, &sa, &old_int);
  (void)::sigaction(SIGTERM, &sa, &old_term);
}

interrupt_guard::~interrupt_guard() {
  (void)::sigaction(SIGINT, &old_int, nullptr);
  (void)::sigaction(SIGTERM, &old_term, nullptr);
}

const std::atomic<bool>& interrupt_guard::flag() const noexcept { return interrupted; }

int interrupt_guard::signal_number() const noexcept {
  return interrupt_signal.load(std::memory_order_relaxed);
}

// --- line_clearing_streambuf -----------------------------------------------------------------

void line_clearing_streambuf::clear_line() {
  if (!dirty_) return;
  dirty_ = false;
  static constexpr char erase[] = "\r\x1b[K";
  target_->sputn(erase, sizeof erase - 1);
}

line_clearing_streambuf::int_type line_clearing_streambuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  clear_line();
  return target_->sputc(traits_type::to_char_type(ch));
}

std::streamsize line_clearing_streambuf::xsputn(const char* s, std::streamsize n) {
  clear_line();
  return target_->sputn(s, n);
}

int line_clearing_streambuf::sync() { return target_->pubsync(); }

}  // namespace mnscreen::cli
