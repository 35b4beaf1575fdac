// SPDX-License-Identifier: Apache-2.0
// FHIR Bulk Data batch source: the patients of an indexed export (`fhir_bulk_export`), each
// read, mapped and screened against one plan, through the same pipeline as NDJSON lines (so
// with the same order, threads, bounded memory, cancellation and errors file).
#include <utility>

#include "batch/pipeline.hpp"
#include "mnscreen/batch.hpp"
#include "mnscreen/fhir.hpp"

namespace mnscreen {
namespace detail {
namespace {

class fhir_bulk_job final : public batch_job {
 public:
  fhir_bulk_job(const fhir_bulk_export& bulk, const procedure_plan& plan, const screener& s)
      : bulk_(bulk), plan_(plan), screener_(s),
        options_(make_fhir_options(s.active_policy(), plan.date)) {}

  bool read(work_chunk& chunk, std::size_t max_records, std::size_t) override {
    // Patients are read back from the export by the workers: a chunk is only their indices.
    while (chunk.items.size() < max_records && next_ < bulk_.size())
      chunk.items.push_back({next_++, 0, 0, 0});
    return next_ < bulk_.size();
  }

  [[nodiscard]] bool input_failed() const noexcept override { return false; }

  void process(const work_chunk& chunk, chunk_output& out,
               const std::atomic<bool>* cancel) const override {
    for (const work_item& item : chunk.items) {
      if (is_cancelled(cancel)) return;
      ++out.counts.records;
      std::string id;
      append_json_string(id, bulk_.patient_id(item.number));
      try {
        screen_patient(item.number, id, out);
      } catch (const std::exception& e) {
        ++out.counts.failed;
        append_error_record(out.err, "patient", item.number + 1, id,
                            {{severity::fatal, "internal_error", "$",
                              std::string("the patient could not be screened: ") + e.what()}});
      }
    }
  }

 private:
  void screen_patient(std::size_t index, const std::string& id, chunk_output& out) const {
    const parse_result<fhir_intake> fhir = bulk_.read_patient(index, options_);
    // Reader errors leave a resource or field out and are reported in the report (the record
    // is what it is); only a patient whose record cannot be read at all fails.
    for (const diagnostic& d : fhir.diagnostics) {
      if (d.severity != severity::fatal) continue;
      ++out.counts.failed;
      append_error_record(out.err, "patient", index + 1, id, fhir.diagnostics);
      return;
    }
    report rep = screener_.screen(fhir.value.record, plan_);
    if (rep.decision == decision::cannot_screen) {
      std::vector<diagnostic> ds = std::move(rep.warnings);
      ds.insert(ds.end(), fhir.diagnostics.begin(), fhir.diagnostics.end());
      ++out.counts.failed;
      append_error_record(out.err, "patient", index + 1, id, ds);
      return;
    }
    add_fhir_findings(rep, fhir);
    ++out.counts.screened;
    ++out.counts.decisions[static_cast<std::size_t>(rep.decision)];
    out.out += "{\"id\":";
    out.out += id;
    out.out += ",\"patient\":";
    out.out += std::to_string(index + 1);
    out.out += ",\"report\":";
    out.out += to_json(rep);
    out.out += "}\n";
  }

  const fhir_bulk_export& bulk_;
  const procedure_plan& plan_;
  const screener& screener_;
  fhir_options options_;
  std::size_t next_ = 0;
};

}  // namespace
}  // namespace detail

batch_summary batch_screen_fhir(const fhir_bulk_export& bulk, const procedure_plan& plan,
                                std::ostream& output, std::ostream& errors, const screener& s,
                                const batch_options& options) {
  detail::fhir_bulk_job job(bulk, plan, s);
  return detail::run_batch(job, output, errors, options);
}

}  // namespace mnscreen
