// SPDX-License-Identifier: Apache-2.0
// `mnscreen._mnscreen`: the Python extension behind the `mnscreen` package (python/mnscreen/).
// Text in, text out: the pure-Python wrapper turns dicts into JSON text and reports back into
// dicts, and raises `mnscreen.InputError` from the diagnostics returned here. Every screening
// call releases the GIL while the C++ library works, so Python threads (and Dask's threaded
// workers) screen in parallel.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <istream>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "batch/pipeline.hpp"
#include "capi/session.hpp"
#include "mnscreen/batch.hpp"
#include "mnscreen/fhir.hpp"
#include "mnscreen/json.hpp"
#include "mnscreen/rules.hpp"
#include "mnscreen/version.hpp"

namespace py = pybind11;
using mnscreen::bindings::input_log;

namespace {

/// (report JSON or None, error message, diagnostics JSON).
using screen_outcome = std::tuple<std::optional<std::string>, std::string, std::string>;

screen_outcome outcome(std::optional<std::string> report, const input_log& log) {
  return {std::move(report), log.error_message(), log.to_json()};
}

py::dict counts_dict(const mnscreen::batch_summary& sum,
                     const mnscreen::detail::rule_tally& tally) {
  py::dict d;
  d["records"] = sum.records;
  d["blank"] = sum.blank;
  d["screened"] = sum.screened;
  d["failed"] = sum.failed;
  py::list decisions;
  for (auto n : sum.decisions) decisions.append(n);
  d["decisions"] = decisions;
  py::dict rules;
  for (const auto& [rule, n] : tally.counts())
    if (n > 0) rules[py::str(rule)] = n;
  d["rules"] = rules;
  return d;
}

/// The input of a batch read where it lies (a `bytes` object's buffer, kept alive by the
/// caller), without a copy.
class view_buf : public std::streambuf {
 public:
  explicit view_buf(std::string_view text) {
    // The get area is only read: std::streambuf has no const form.
    char* p = const_cast<char*>(text.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    setg(p, p, p + text.size());
  }
};

/// Report lines written straight to a file descriptor (a part file the caller opened): each
/// chunk of the batch is one write(2), with no buffer between. Remembers the first error.
class fd_buf : public std::streambuf {
 public:
  explicit fd_buf(int fd) : fd_(fd) {}
  [[nodiscard]] std::size_t written() const noexcept { return written_; }
  [[nodiscard]] int error() const noexcept { return errno_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::streamsize done = 0;
    while (done < n && errno_ == 0) {
      const ssize_t k = ::write(fd_, s + done, static_cast<std::size_t>(n - done));
      if (k < 0) {
        if (errno == EINTR) continue;
        errno_ = errno;
        break;
      }
      if (k == 0) {
        errno_ = EIO;
        break;
      }
      done += k;
    }
    written_ += static_cast<std::size_t>(done);
    return done;
  }
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

 private:
  int fd_;
  std::size_t written_ = 0;
  int errno_ = 0;
};

/// What a batch call returns: (report lines, or None when they went to `out_fd`; error lines;
/// counts). With `out_fd`, the counts have "out_bytes", the bytes written there.
using batch_result = std::tuple<py::object, py::bytes, py::dict>;

/// Runs `screen(output, errors, tally)` with the GIL released: the report lines to `out_fd`
/// (when not negative) or to a string, the error lines to a string.
template <class Screen>
batch_result run_batch_call(int out_fd, Screen screen) {
  std::string out;
  std::string err;
  mnscreen::batch_summary sum;
  mnscreen::detail::rule_tally tally;
  std::size_t written = 0;
  int write_error = 0;
  {
    py::gil_scoped_release release;
    std::ostringstream e;
    if (out_fd >= 0) {
      fd_buf buf(out_fd);
      std::ostream o(&buf);
      sum = screen(o, e, tally);
      written = buf.written();
      write_error = buf.error();
    } else {
      std::ostringstream o;
      sum = screen(o, e, tally);
      out = std::move(o).str();
    }
    err = std::move(e).str();
  }
  if (write_error != 0) {
    errno = write_error;
    PyErr_SetFromErrno(PyExc_OSError);
    throw py::error_already_set();
  }
  if (!sum.finished()) throw std::runtime_error("the batch did not run to its end");
  py::dict counts = counts_dict(sum, tally);
  if (out_fd >= 0) {
    counts["out_bytes"] = written;
    return {py::none(), py::bytes(err), counts};
  }
  return {py::bytes(out), py::bytes(err), counts};
}

class py_screener {
 public:
  explicit py_screener(mnscreen::bindings::session s) : session_(std::move(s)) {}

  screen_outcome screen(const std::string& intake, const std::string& plan) const {
    py::gil_scoped_release release;
    input_log log;
    auto report = mnscreen::bindings::screen_json(*session_, intake, plan, log);
    return outcome(std::move(report), log);
  }

  screen_outcome screen_fhir(const std::string& fhir, const std::string& plan,
                             const std::optional<std::string>& overlay) const {
    py::gil_scoped_release release;
    input_log log;
    std::optional<std::string_view> o;
    if (overlay) o = *overlay;
    auto report = mnscreen::bindings::screen_fhir_json(*session_, fhir, plan, o, log);
    return outcome(std::move(report), log);
  }

  /// (plan outcome or None, [outcome per intake]).
  std::tuple<std::optional<screen_outcome>, std::vector<screen_outcome>> screen_many(
      const std::vector<std::string>& intakes, const std::string& plan) const {
    std::vector<std::optional<std::string>> reports;
    std::vector<input_log> logs;
    input_log plan_log;
    bool ok = false;
    {
      py::gil_scoped_release release;
      ok = mnscreen::bindings::screen_many_json(*session_, intakes, plan, reports, logs, plan_log);
    }
    std::vector<screen_outcome> out;
    if (!ok) return {outcome(std::nullopt, plan_log), std::move(out)};
    out.reserve(intakes.size());
    for (std::size_t i = 0; i < intakes.size(); ++i)
      out.push_back(outcome(std::move(reports[i]), logs[i]));
    return {std::nullopt, std::move(out)};
  }

  std::string policy_json() const { return mnscreen::to_json(session_->screen.active_policy()); }

  /// `mnscreen batch --input` on a part of a file (`text`, read in place): (report lines or
  /// None, error lines, counts).
  batch_result batch_ndjson(std::string_view text, std::size_t first_line, unsigned threads,
                            int out_fd) const {
    return run_batch_call(
        out_fd, [&](std::ostream& o, std::ostream& e, mnscreen::detail::rule_tally& tally) {
          view_buf buf(text);
          std::istream in(&buf);
          mnscreen::batch_options opt;
          opt.threads = threads;
          opt.first_line = first_line;
          return mnscreen::detail::batch_screen_counted(in, o, e, session_->screen, opt, tally);
        });
  }

  /// `mnscreen batch --fhir-ndjson` on a range of patients.
  batch_result batch_fhir(const mnscreen::fhir_bulk_export& bulk, const std::string& plan_text,
                          std::size_t first, std::size_t count, unsigned threads,
                          int out_fd) const {
    return run_batch_call(
        out_fd, [&](std::ostream& o, std::ostream& e, mnscreen::detail::rule_tally& tally) {
          auto plan = mnscreen::parse_plan(plan_text);
          if (!plan.ok() || mnscreen::has_errors(mnscreen::validate(plan.value)))
            throw std::invalid_argument("the plan cannot be read");
          mnscreen::batch_options opt;
          opt.threads = threads;
          opt.first_patient = first;
          opt.patient_count = count;
          return mnscreen::detail::batch_screen_fhir_counted(bulk, plan.value, o, e,
                                                             session_->screen, opt, tally);
        });
  }

 private:
  std::optional<mnscreen::bindings::session> session_;
};

/// An indexed FHIR Bulk Data export and what `open` found.
struct py_bulk_export {
  mnscreen::fhir_bulk_export bulk;
  std::vector<mnscreen::diagnostic> diagnostics;
  std::string path;
};

}  // namespace

PYBIND11_MODULE(_mnscreen, m) {
  m.doc() = "C++ core of the mnscreen package (use the `mnscreen` module, not this one).";
  m.attr("__version__") = mnscreen::library_version;
  m.attr("knowledge_version") = mnscreen::knowledge_version;
  m.def("rules_json", [] { return mnscreen::rules_json(); });
  m.def("default_policy_json", [] { return mnscreen::to_json(mnscreen::policy{}); });
  // (Screener or None, error message, diagnostics JSON): the wrapper raises InputError.
  m.def(
      "make_screener",
      [](const std::optional<std::string>& policy, const std::optional<std::string>& model) {
        input_log log;
        std::optional<std::string_view> p;
        std::optional<std::string_view> mo;
        if (policy) p = *policy;
        if (model) mo = *model;
        auto s = mnscreen::bindings::make_session(p, mo, log);
        std::optional<py_screener> out;
        if (s) out.emplace(std::move(*s));
        return std::make_tuple(std::move(out), log.error_message(), log.to_json());
      },
      py::arg("policy") = py::none(), py::arg("model") = py::none());

  py::class_<py_screener>(m, "Screener")
      .def("screen", &py_screener::screen, py::arg("intake"), py::arg("plan"))
      .def("screen_fhir", &py_screener::screen_fhir, py::arg("fhir"), py::arg("plan"),
           py::arg("overlay") = py::none())
      .def("screen_many", &py_screener::screen_many, py::arg("intakes"), py::arg("plan"))
      .def("policy_json", &py_screener::policy_json)
      .def("batch_ndjson", &py_screener::batch_ndjson, py::arg("text"), py::arg("first_line"),
           py::arg("threads") = 1, py::arg("out_fd") = -1)
      .def(
          "batch_fhir",
          [](const py_screener& s, const py_bulk_export& b, const std::string& plan,
             std::size_t first, std::size_t count, unsigned threads,
             int out_fd) { return s.batch_fhir(b.bulk, plan, first, count, threads, out_fd); },
          py::arg("export"), py::arg("plan"), py::arg("first"), py::arg("count"),
          py::arg("threads") = 1, py::arg("out_fd") = -1);

  py::class_<py_bulk_export>(m, "BulkExport")
      .def(py::init([](const std::string& path) {
             py::gil_scoped_release release;
             auto opened = mnscreen::fhir_bulk_export::open(path);
             return py_bulk_export{std::move(opened.value), std::move(opened.diagnostics), path};
           }),
           py::arg("path"))
      .def_property_readonly("size", [](const py_bulk_export& b) { return b.bulk.size(); })
      .def("patient_id",
           [](const py_bulk_export& b, std::size_t i) { return b.bulk.patient_id(i); })
      .def_property_readonly("has_fatal",
                             [](const py_bulk_export& b) {
                               for (const auto& d : b.diagnostics)
                                 if (d.severity == mnscreen::severity::fatal) return true;
                               return false;
                             })
      .def_property_readonly(
          "has_errors", [](const py_bulk_export& b) { return mnscreen::has_errors(b.diagnostics); })
      .def_property_readonly("diagnostic_messages",
                             [](const py_bulk_export& b) {
                               std::vector<std::string> out;
                               for (const auto& d : b.diagnostics)
                                 if (d.severity != mnscreen::severity::warning)
                                   out.push_back(mnscreen::format(d, b.path));
                               return out;
                             })
      .def("errors_record", [](const py_bulk_export& b, const std::string& dir) {
        return b.diagnostics.empty() ? std::string()
                                     : mnscreen::batch_export_record(dir, b.diagnostics);
      });
}
