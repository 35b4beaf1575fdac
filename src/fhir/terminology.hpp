// SPDX-License-Identifier: Apache-2.0
// The terminology tables of the FHIR reader (data/terminology/*.csv): code → vocabulary word,
// names for text-only matching, and lab units. Built once per fhir_reader and immutable after.
#ifndef MNSCREEN_SRC_FHIR_TERMINOLOGY_HPP
#define MNSCREEN_SRC_FHIR_TERMINOLOGY_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mnscreen/diagnostic.hpp"
#include "mnscreen/vocabulary.hpp"

namespace mnscreen::fhir_detail {

/// One embedded table file (generated from data/terminology/ at build time).
struct embedded_file {
  std::string_view name;
  std::string_view text;
};

/// The tables embedded in the library (terminology_data.cpp, generated).
std::span<const embedded_file> embedded_tables() noexcept;

/// What a table row maps a code to.
enum class row_kind : std::uint8_t {
  condition,    // Condition.code (also Procedure.code, e.g. radiotherapy → radiation_therapy)
  medication,   // medication concepts: ingredient words or class words
  allergy,      // AllergyIntolerance.code / reaction.substance
  device,       // Device.type (also Procedure.code for implantations)
  procedure,    // Procedure.code
  lab,          // Observation.code of a lab
  observation,  // Observation.code of a status (pregnancy, smoking)
  answer,       // Observation.valueCodeableConcept of a status observation
  denial,       // an explicit "no known …" code: negatives
  body_site,    // bodySite → areas
  route,        // dosage route
  severity,     // Condition.severity
  ignore        // recognised, deliberately not mapped (still warned, with the reason)
};

std::string_view to_string(row_kind k) noexcept;

/// What a status observation is about.
enum class status_topic : std::uint8_t { none, pregnancy, smoking, breastfeeding };

/// One row of a table, parsed and checked.
struct table_row {
  row_kind kind = row_kind::ignore;
  /// Canonical system URI (empty for names.csv rows).
  std::string system;
  std::string code;
  bool prefix = false;
  /// The row's word(s) as written, e.g. `warfarin`, `aspirin+dipyridamole`, `face`.
  std::string word;
  std::string display;
  /// Where the code was verified (docs/terminology.md).
  std::string source;
  /// `note=` of the detail column (used in messages), or a default.
  std::string note;
  /// `form=` of the detail column (`ingredient`, `product`, `class`, `brand`).
  std::string form;

  std::optional<condition_code> condition;
  std::vector<medication_code> medications;
  std::optional<allergy_substance> allergy;
  std::optional<device_code> device;
  std::optional<procedure_code> procedure;
  std::optional<lab_code> lab;
  /// Body-site areas, or `sites=`/`areas=` of the detail column.
  std::vector<area> areas;
  std::optional<enum route> route_value;
  std::optional<peel_depth> depth;
  std::optional<condition_severity> severity;
  status_topic topic = status_topic::none;
  /// For `answer` rows: the answer (`unknown` for "unknown" answers).
  known answer = known::unknown;
  std::vector<negative> denials;
  /// File and line it came from (`rxnorm.csv:12`).
  std::string origin;
};

/// A unit conversion to a lab's canonical unit: canonical = value * factor + offset.
struct unit_row {
  lab_code lab{};
  std::string unit;
  double factor = 1.0;
  double offset = 0.0;
};

/// Lower-case ASCII letters and digits, every other run of characters one space, trimmed.
std::string normalise_name(std::string_view text);

/// The canonical system URI for a system as written in a coding (aliases such as the RxNorm
/// OID map to the canonical URI); the input itself when it is not an alias.
std::string_view canonical_system(std::string_view system) noexcept;

/// Short human label of a system ("RxNorm", "SNOMED CT"…), or the URI itself.
std::string_view system_label(std::string_view system) noexcept;

/// Hash of std::string keys that also finds by std::string_view (with std::equal_to<>): a
/// lookup builds no key string. The FHIR reader's string-keyed hash maps use it.
struct string_hash {
  using is_transparent = void;
  [[nodiscard]] std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

class terminology {
 public:
  /// Parses one table file (`name` decides the table: rxnorm.csv, snomed.csv, loinc.csv,
  /// icd10cm.csv, atc.csv, names.csv, units.csv). Problems are appended to `diags`.
  void add_file(std::string_view name, std::string_view text, std::vector<diagnostic>& diags);
  /// Builds the indices; call once after the last add_file.
  void finish();

  /// Rows for (system, code): exact rows, else the longest matching prefix rows.
  [[nodiscard]] std::vector<const table_row*> find(std::string_view system,
                                                   std::string_view code) const;
  /// Rows whose name (names.csv or a code row's display) equals the normalised `name`,
  /// restricted to `kind`.
  [[nodiscard]] std::vector<const table_row*> find_name(row_kind kind,
                                                        std::string_view normalised) const;
  /// Medication rows whose name occurs as a whole-word sequence in the normalised text.
  [[nodiscard]] std::vector<const table_row*> find_medication_names(
      std::string_view normalised) const;
  /// Unit conversion for a lab, matched on the UCUM code first, then on the unit text.
  [[nodiscard]] const unit_row* find_unit(lab_code lab, std::string_view ucum_code,
                                          std::string_view unit_text) const;

  [[nodiscard]] std::size_t size() const noexcept { return rows_.size() + units_.size(); }

 private:
  // Rows are kept in a vector of stable storage (indices, never pointers, until finish()).
  std::vector<table_row> rows_;
  std::vector<std::size_t> name_rows_;  // rows from names.csv
  std::vector<unit_row> units_;
  using index_map =
      std::unordered_map<std::string, std::vector<std::size_t>, string_hash, std::equal_to<>>;
  index_map exact_;
  std::map<std::string, std::vector<std::size_t>, std::less<>> prefix_;  // system|prefix
  std::size_t longest_prefix_ = 0;  // the longest code prefix in prefix_ (characters)
  // The lengths of the code prefixes in prefix_, by system: bit n set when a prefix of n
  // characters exists (n < 64; longer ones set bit 0, "try every length"). `find` looks up
  // only those lengths: the same answer without a map search per character of the code.
  std::unordered_map<std::string, std::uint64_t, string_hash, std::equal_to<>> prefix_lengths_;
  index_map names_;  // kind|normalised name
  std::vector<std::pair<std::vector<std::string>, std::size_t>> medication_names_;
  // First word of a medication name -> positions in medication_names_, ascending.
  index_map medication_first_word_;
};

}  // namespace mnscreen::fhir_detail

#endif  // MNSCREEN_SRC_FHIR_TERMINOLOGY_HPP
