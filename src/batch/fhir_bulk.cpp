// SPDX-License-Identifier: Apache-2.0
// FHIR Bulk Data batch source: the patients of an indexed export (`fhir_bulk_export`), each
// read, mapped and screened against one plan, through the same pipeline as NDJSON lines (so
// with the same order, threads, bounded memory, cancellation and errors file).
#include <algorithm>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "batch/pipeline.hpp"
#include "json/text.hpp"
#include "mnscreen/batch.hpp"
#include "mnscreen/diagnostic.hpp"
#include "mnscreen/fhir.hpp"

namespace mnscreen {
namespace detail {
namespace {

class fhir_bulk_job final : public batch_job {
 public:
  fhir_bulk_job(const fhir_bulk_export& bulk, const procedure_plan& plan, const screener& s,
                std::size_t first, std::size_t count)
      : bulk_(bulk),
        plan_(plan),
        screener_(s),
        options_(make_fhir_options(s.active_policy(), plan.date)),
        next_(std::min(first, bulk.size())),
        end_(next_ + std::min(count, bulk.size() - next_)) {}

  bool read(work_chunk& chunk, std::size_t max_records, std::size_t) override {
    // Patients are read back from the export by the workers: a chunk is only their indices.
    while (chunk.items.size() < max_records && next_ < end_)
      chunk.items.push_back({next_++, 0, 0, 0});
    return next_ < end_;
  }

  [[nodiscard]] bool input_failed() const noexcept override { return false; }

  // As the NDJSON source: every patient of the chunk is read, the readable ones are screened
  // together (screener::screen_many into the worker's reused reports, one risk product for the
  // chunk), then each patient's output or error record is written in order.
  void process(const work_chunk& chunk, chunk_output& out, worker_state& state,
               const std::atomic<bool>* cancel) const override {
    const std::size_t n = chunk.items.size();
    std::vector<patient_state> patients(n);
    std::vector<intake>& intakes = state.intakes;  // emptied, its array reused
    intakes.clear();
    intakes.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (is_cancelled(cancel)) return;
      patient_state& p = patients[i];
      const std::size_t index = chunk.items[i].number;
      json_detail::append_quoted(p.id, bulk_.patient_id(index));
      try {
        p.fhir = bulk_.read_patient(index, options_);
        // Reader errors leave a resource or field out and are reported in the report (the
        // record is what it is); only a patient whose record cannot be read at all fails.
        const bool fatal =
            std::any_of(p.fhir.diagnostics.begin(), p.fhir.diagnostics.end(),
                        [](const diagnostic& d) { return d.severity == severity::fatal; });
        if (!fatal) {
          p.kind = patient_state::screen;
          p.index = intakes.size();
          intakes.push_back(std::move(p.fhir.value.record));
        }
      } catch (const std::exception& e) {
        p.kind = patient_state::internal_error;
        p.error = e.what();
      }
    }

    const std::span<report> reports = state.reports_for(intakes.size());
    bool batched = true;
    try {
      screener_.screen_many(intakes, std::span<const procedure_plan>(&plan_, 1), reports);
    } catch (const std::exception&) {
      batched = false;  // screened again one by one below
    }

    for (std::size_t i = 0; i < n; ++i) {
      if (is_cancelled(cancel)) return;
      patient_state& p = patients[i];
      const std::size_t index = chunk.items[i].number;
      ++out.counts.records;
      try {
        switch (p.kind) {
          case patient_state::failed:
            ++out.counts.failed;
            append_error_record(out.err, "patient", index + 1, p.id, p.fhir.diagnostics);
            break;
          case patient_state::internal_error:
            throw mnscreen::error(p.error);
          case patient_state::screen: {
            report& rep = reports[p.index];
            if (!batched) screener_.screen_into(intakes[p.index], plan_, rep);
            p.fhir.value.record = std::move(intakes[p.index]);  // whole again for the findings
            write_report(rep, index, p, out);
            break;
          }
        }
      } catch (const std::exception& e) {
        ++out.counts.failed;
        append_error_record(out.err, "patient", index + 1, p.id,
                            {{severity::fatal, "internal_error", "$",
                              std::string("the patient could not be screened: ") + e.what()}});
      }
    }
  }

 private:
  // What the first step made of a patient.
  struct patient_state {
    enum kind_t { failed, internal_error, screen } kind = failed;
    std::string id;  // JSON text
    parse_result<fhir_intake> fhir;
    std::string error;      // internal_error: the exception's message
    std::size_t index = 0;  // screen: index in the chunk's intakes and reports
  };

  // `rep` stays the worker's (see ndjson.cpp): changed here, replaced by its next screen.
  static void write_report(report& rep, std::size_t index, const patient_state& p,
                           chunk_output& out) {
    const parse_result<fhir_intake>& fhir = p.fhir;
    if (rep.decision == decision::cannot_screen) {
      std::vector<diagnostic> ds = std::move(rep.warnings);
      ds.insert(ds.end(), fhir.diagnostics.begin(), fhir.diagnostics.end());
      ++out.counts.failed;
      append_error_record(out.err, "patient", index + 1, p.id, ds);
      return;
    }
    add_fhir_findings(rep, fhir);
    out.add_report(p.id, "patient", index + 1, rep);
  }

  const fhir_bulk_export& bulk_;
  const procedure_plan& plan_;
  const screener& screener_;
  fhir_options options_;
  std::size_t next_ = 0;
  std::size_t end_ = 0;
};

}  // namespace
}  // namespace detail

std::string batch_export_record(std::string_view dir, const std::vector<diagnostic>& ds) {
  namespace json = boost::json;
  json::array list;
  std::string reason;
  for (const auto& d : ds) {
    list.push_back(json::object{{"severity", to_string(d.severity)},
                                {"code", d.code},
                                {"path", d.path},
                                {"message", d.message}});
    if (reason.empty() && d.severity != severity::warning) reason = d.path + ": " + d.message;
  }
  if (reason.empty() && !ds.empty())
    reason = "warnings only: " + ds.front().path + ": " + ds.front().message;
  const json::object record{{"export", dir}, {"reason", reason}, {"diagnostics", list}};
  return json::serialize(record) + "\n";
}

namespace detail {

batch_summary batch_screen_fhir_counted(const fhir_bulk_export& bulk, const procedure_plan& plan,
                                        std::ostream& output, std::ostream& errors,
                                        const screener& s, const batch_options& options,
                                        rule_tally& rules) {
  fhir_bulk_job job(bulk, plan, s, options.first_patient, options.patient_count);
  return run_batch(job, output, errors, options, &rules);
}

}  // namespace detail

batch_summary batch_screen_fhir(const fhir_bulk_export& bulk, const procedure_plan& plan,
                                std::ostream& output, std::ostream& errors, const screener& s,
                                const batch_options& options) {
  detail::fhir_bulk_job job(bulk, plan, s, options.first_patient, options.patient_count);
  return detail::run_batch(job, output, errors, options);
}

}  // namespace mnscreen
