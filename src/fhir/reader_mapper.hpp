// SPDX-License-Identifier: Apache-2.0
// Private to the FHIR reader (src/fhir/reader*.cpp): the mapping state of one read (`mapper`),
// the evidence it collects before deciding, and the small helpers its parts share.
#ifndef MNSCREEN_SRC_FHIR_READER_MAPPER_HPP
#define MNSCREEN_SRC_FHIR_READER_MAPPER_HPP

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "fhir/reader_core.hpp"
#include "fhir/terminology.hpp"
#include "mnscreen/fhir.hpp"

namespace mnscreen::fhir_detail {

namespace json = boost::json;

// --- small helpers -------------------------------------------------------------------------

inline std::string str(std::string_view s) { return std::string(s); }

/// `s`, or its first `max_quoted_chars` bytes (never splitting a UTF-8 sequence) and "..."
/// (reader_fields.cpp).
std::string shorten(std::string_view s);

/// `s` shortened, in double quotes, for messages.
std::string quote(std::string_view s);

/// `s` as `shorten` writes it, as a piece of `detail::text::cat` (views, nothing allocated).
struct short_text {
  std::string_view head;
  std::string_view tail;  // "..." when `s` was cut
};
[[nodiscard]] short_text shortened(std::string_view s) noexcept;
[[nodiscard]] inline std::size_t size_of(const short_text& s) noexcept {
  return s.head.size() + s.tail.size();
}
inline void append_to(std::string& out, const short_text& s) {
  out.append(s.head);
  out.append(s.tail);
}

inline const json::value* member(const json::object& o, std::string_view key) noexcept {
  const auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

inline long days_from(date from, date to) noexcept { return days_between(from, to); }

inline bool before(date a, date b) noexcept {
  return std::chrono::sys_days{a} < std::chrono::sys_days{b};
}

/// A FHIR date or dateTime. A partial date (`1990`, `1990-04`) is read as the latest day it
/// can mean (a later date is the cautious one for recency windows) and flagged as imprecise.
struct fhir_date {
  date day{};
  bool precise = true;
};

std::optional<date> later(std::optional<date> a, std::optional<date> b) noexcept;

// --- codings -------------------------------------------------------------------------------

struct coding_view {
  std::string_view system;
  std::string_view code;
  std::string_view display;
  std::size_t index = 0;  // in the concept's `coding` array; its path: concept_view::path_of
};

struct concept_view {
  std::vector<coding_view> codings;
  std::string_view text;
  std::string path;
  /// The path of one of its codings (`path.coding[i]`), written out only when a message needs it.
  [[nodiscard]] std::string path_of(const coding_view& c) const;
};

/// What a concept matched.
struct match_result {
  std::vector<const table_row*> rows;
  std::string system;
  std::string code;
  std::string display;
  fhir_match how = fhir_match::code;
  [[nodiscard]] bool matched() const noexcept { return !rows.empty(); }
};

enum class name_mode : std::uint8_t { none, exact, medication };

/// A resource being mapped.
struct resource_info {
  const json::object* object = nullptr;
  // Views of the parsed document (type, id) and of the `source_resource` (full_url), both of
  // which outlive the mapper.
  std::string_view type;
  std::string_view id;
  std::string path;
  std::string_view full_url;
  std::string source;
};

// --- medications, pregnancy: evidence collected first, decided at the end --------------------

enum class med_state : std::uint8_t { current, uncertain, ended, not_taken, error };

struct med_candidate {
  medication_code word{};
  med_state state = med_state::current;
  std::string status;
  std::optional<date> start;
  std::optional<date> stop;
  std::optional<date> record_date;
  std::optional<date> evidence_date;
  std::optional<enum route> route_value;
  std::string source;
  std::string path;
  std::string system;
  std::string code;
  std::string display;
  fhir_match how = fhir_match::code;
  std::string note;
};

struct pregnancy_evidence {
  known value = known::unknown;
  std::optional<date> when;
  bool from_condition = false;
  condition item;  // for conditions
  std::string source;
  std::string path;
  std::string system;
  std::string code;
  std::string display;
  fhir_match how = fhir_match::code;
};

/// Copies where evidence came from into it: resource `r` (source, path) and the coding it was
/// matched by, `m` (system, code, display, how).
template <class Evidence>
void set_provenance(Evidence& e, const resource_info& r, const match_result& m) {
  e.source = r.source;
  e.path = r.path;
  e.system = m.system;
  e.code = m.code;
  e.display = m.display;
  e.how = m.how;
}

/// Pregnancy evidence of resource `r`, matched as `m` (its source, path and coding).
[[nodiscard]] inline pregnancy_evidence pregnancy_from(const resource_info& r,
                                                       const match_result& m, known value,
                                                       std::optional<date> when) {
  pregnancy_evidence e;
  e.value = value;
  e.when = when;
  set_provenance(e, r, m);
  return e;
}

struct smoking_evidence {
  known value = known::unknown;
  date when{};
  std::string source;
  std::string system;
  std::string code;
  std::string display;
};

struct unmapped_entry {
  std::string element;  // "Condition.code"
  // The coding's members: views of the parsed document, which outlives the mapper.
  std::string_view system;
  std::string_view code;
  std::string_view display;
  std::string text;
  std::string first_path;
  std::string first_source;
  std::size_t count = 0;
  bool ignored = false;
  std::string_view note;  // of the terminology's row
};

// --- the mapping state of one read ---------------------------------------------------------

class mapper {
 public:
  mapper(const terminology& terms, const fhir_options& options, std::vector<diagnostic>& diags)
      : terms_(terms), options_(options), diags_(diags) {}

  /// Maps the resources (taken: their paths move into the mapper's index).
  void run(std::vector<source_resource>&& resources);
  fhir_intake take() { return std::move(out_); }

 private:
  // diagnostics
  void warn(std::string code, std::string path, std::string message) {
    diags_.push_back({severity::warning, std::move(code), std::move(path), std::move(message)});
  }
  void error(std::string path, std::string message, std::string code = "fhir.malformed_field") {
    diags_.push_back({severity::error, std::move(code), std::move(path), std::move(message)});
  }

  // typed field access; a present field of the wrong JSON type is an error
  std::optional<std::string_view> get_string(const json::object& o, std::string_view key,
                                             const std::string& path);
  const json::object* get_object(const json::object& o, std::string_view key,
                                 const std::string& path);
  const json::array* get_array(const json::object& o, std::string_view key,
                               const std::string& path);
  std::optional<fhir_date> get_date(const json::object& o, std::string_view key,
                                    const std::string& path);
  std::optional<concept_view> get_concept(const json::object& o, std::string_view key,
                                          const std::string& path);
  concept_view read_concept(const json::object& o, std::string path_of_concept);
  /// The code of the first coding of a status CodeableConcept (clinicalStatus…).
  std::optional<std::string> status_code(const json::object& o, std::string_view key,
                                         const std::string& path);
  /// Date of an `effective[x]`/`performed[x]`/`onset[x]` choice: the dateTime, or the
  /// period's end (`use_end`) or start.
  std::optional<fhir_date> choice_date(const json::object& o, std::string_view prefix,
                                       const std::string& path, bool use_end);

  match_result match(const concept_view& c, std::initializer_list<row_kind> kinds, name_mode mode,
                     const resource_info& r, std::string_view element);
  /// Counts coding `c` of concept `of` (or, with no coding, its `text`) as not mapped; the first
  /// occurrence keeps its path (the coding's, else the concept's).
  void record_unmapped(const resource_info& r, std::string_view element, const coding_view* c,
                       std::string_view text, const concept_view& of, const table_row* ignore);
  std::vector<area> read_body_sites(const json::object& o, const std::string& path,
                                    const resource_info& r, bool& any);
  std::optional<enum route> read_route(const json::array* dosages, const std::string& path,
                                       const resource_info& r);

  void add_mapping(const resource_info& r, std::string target, std::string_view word,
                   const match_result& m, std::string note) {
    out_.mappings.push_back({r.source, std::move(target), str(word), m.system, m.code, m.display,
                             m.how, std::move(note)});
  }
  void add_note(const resource_info& r, std::string_view word, const match_result& m,
                std::string note) {
    add_mapping(r, "", word, m, std::move(note));
  }
  void add_negative(const resource_info& r, const negative& n, const match_result& m,
                    std::string note);

  // resources
  void index(std::vector<source_resource>&& resources);
  void select_patient();
  bool belongs_to_other_patient(const resource_info& r);
  const resource_info* resolve(std::string_view reference, const resource_info& from,
                               const json::object** contained);
  void map_resource(const resource_info& r);
  void map_patient(const resource_info& r);
  void map_condition(const resource_info& r);
  /// A Condition whose code is a breastfeeding finding or a device "in situ": true when handled.
  bool map_condition_status(const resource_info& r, const concept_view& code,
                            const std::optional<std::string>& verification);
  void map_allergy(const resource_info& r);
  void map_medication(const resource_info& r, bool request);
  void map_observation(const resource_info& r);
  void map_procedure(const resource_info& r);
  void map_device(const resource_info& r, const json::object& device,
                  const std::string& device_path, const std::vector<area>& sites,
                  const resource_info& source);
  void map_device_use(const resource_info& r);

  // decisions at the end
  void finish_medications();
  void finish_pregnancy();
  void finish_smoking();
  void finish_unmapped();

  const terminology& terms_;
  const fhir_options& options_;
  std::vector<diagnostic>& diags_;
  fhir_intake out_;

  std::vector<resource_info> resources_;
  // The reference index: its nodes, buckets and the "Type/id" keys it builds live in one arena
  // of the mapper (no heap allocation per resource for a usual document); the other keys are
  // views of the resources' fullUrls.
  // Not zeroed (no `{}`): the arena writes every byte it hands out before it is read, and
  // zeroing 8 KB per read cost more than the index's own work on a small document.
  std::array<std::byte, 8192> index_buffer_;
  std::pmr::monotonic_buffer_resource index_arena_{index_buffer_.data(), index_buffer_.size()};
  std::pmr::unordered_map<std::string_view, std::size_t, string_hash> by_reference_{&index_arena_};
  std::optional<std::size_t> patient_;
  std::vector<bool> device_used_;  // Device resources read through a DeviceUseStatement
  std::size_t other_patient_count_ = 0;
  std::string other_patient_first_;
  std::map<std::string, std::size_t, std::less<>> read_counts_;
  std::map<std::string, std::size_t, std::less<>> ignored_counts_;
  /// The count of `type` in `counts` (a new entry at 0 when there is none).
  static std::size_t& count_of(std::map<std::string, std::size_t, std::less<>>& counts,
                               std::string_view type) {
    auto it = counts.find(type);
    if (it == counts.end()) it = counts.emplace(std::string(type), 0).first;
    return it->second;
  }

  std::vector<std::size_t> procedure_conditions_;  // conditions made from Procedures
  std::vector<med_candidate> meds_;
  std::vector<pregnancy_evidence> pregnancy_;
  std::vector<smoking_evidence> smoking_;
  std::vector<unmapped_entry> unmapped_;
  // "element\x1fsystem\x1fcode" (or "element\x1fname\x1fname") -> position in unmapped_: its
  // nodes and keys live in the index arena (no heap allocation per unmapped coding); the key of
  // a lookup is built in unmapped_key_, whose capacity stays from one coding to the next.
  std::pmr::unordered_map<std::string_view, std::size_t, string_hash> unmapped_index_{
      &index_arena_};
  std::string unmapped_key_;
};

/// Appends the resources of a parsed document to `out`: the entries of a Bundle, through the
/// Bundles nested in it (one nested deeper than `depth` 3 is kept as a resource), or the resource
/// itself. `root`: `o` is the whole document (no resourceType is then fatal).
void collect(const json::object& o, const std::string& path, std::string_view full_url,
             std::vector<source_resource>& out, std::vector<diagnostic>& diags, int depth,
             bool root);

}  // namespace mnscreen::fhir_detail

#endif  // MNSCREEN_SRC_FHIR_READER_MAPPER_HPP
