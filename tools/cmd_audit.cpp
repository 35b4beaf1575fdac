// SPDX-License-Identifier: Apache-2.0
// `mnscreen audit`: the audit trail of `mnscreen serve` (hook calls and feedback, written by
// src/audit) exported as JSON lines or CSV, or summarised as the override rate per rule.
#include <ostream>
#include <string>

#include "audit/export.hpp"
#include "audit/store.hpp"
#include "cli_io.hpp"
#include "commands.hpp"

namespace mnscreen::cli {
namespace po = boost::program_options;

namespace {

constexpr command_usage audit_usage{
    "mnscreen audit --db FILE [--since DATE] [--format json|csv] [--summary]",
    "Exports the audit database of `mnscreen serve`: every hook call and every feedback item,\n"
    "oldest first, as one JSON object a line (`kind` \"hook\" or \"feedback\") or as CSV with a\n"
    "header. --summary prints instead the override rate per rule: for each rule id shown on a\n"
    "card, the cards shown, the feedback (accepted / overridden) and the override reasons, the\n"
    "most overridden first. --since keeps records at or after a UTC date (YYYY-MM-DD) or time\n"
    "(YYYY-MM-DDTHH:MM:SSZ). The database is opened read-only; the server may keep writing.\n"
    "docs/cds-hooks.md, \"Audit\", describes every field."};

po::options_description audit_options() {
  po::options_description options("Options", 100);
  options.add_options()("help,h", "show this help")(
      "db", po::value<std::string>()->value_name("FILE"), "the audit database (audit_db)")(
      "since", po::value<std::string>()->value_name("DATE"),
      "only records at or after this UTC date or time")(
      "format", po::value<std::string>()->value_name("json|csv")->default_value("json"),
      "output format")("summary", "print the override rate per rule instead of the records");
  return options;
}

// The stable code of a database problem (docs/errors.md, "mnscreen audit").
const char* code_of(audit::db_error::kind k) {
  switch (k) {
    case audit::db_error::kind::missing:
      return "audit_db_missing";
    case audit::db_error::kind::not_database:
      return "audit_db_unreadable";
    case audit::db_error::kind::not_audit:
      return "audit_db_not_audit";
    case audit::db_error::kind::newer_schema:
      return "audit_db_newer_schema";
    case audit::db_error::kind::sqlite:
      break;
  }
  return "audit_db_error";
}

}  // namespace

int run_audit(std::span<const std::string> args, const streams& io) {
  const auto options = audit_options();
  const auto parsed = parse_options(args, options, audit_usage, io);
  if (!parsed) return exit_bad_input;
  const po::variables_map& vm = *parsed;
  if (vm.count("help") != 0) {
    print_usage(io.out, audit_usage, options);
    return exit_ok;
  }
  if (vm.count("db") == 0) return usage_error("--db FILE is required", audit_usage, options, io);
  audit::export_options eo;
  const auto format = vm["format"].as<std::string>();
  if (format == "json") {
    eo.format = audit::export_format::json;
  } else if (format == "csv") {
    eo.format = audit::export_format::csv;
  } else {
    return usage_error("--format must be 'json' or 'csv', not '" + format + "'", audit_usage,
                       options, io);
  }
  if (vm.count("since") != 0) {
    const auto& text = vm["since"].as<std::string>();
    const auto since = audit::parse_since(text);
    if (!since)
      return usage_error("--since: '" + text +
                             "' is not a UTC date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM:SSZ) "
                             "(invalid_date)",
                         audit_usage, options, io);
    eo.since = *since;
  }
  const auto& path = vm["db"].as<std::string>();
  try {
    audit::database db(path, audit::database::mode::read);
    if (vm.count("summary") != 0)
      audit::export_summary(db, eo, io.out);
    else
      audit::export_records(db, eo, io.out);
  } catch (const audit::db_error& e) {
    io.out.flush();
    io.err << path << ": " << e.what() << " (" << code_of(e.reason()) << ")\n";
    // A database that cannot be read as an audit database is bad input; SQLite failing on a
    // readable one (I/O error, locked beyond the timeout) is an internal error.
    return e.reason() == audit::db_error::kind::sqlite ? exit_internal_error : exit_bad_input;
  }
  io.out.flush();
  return io.out ? exit_ok : exit_internal_error;
}

}  // namespace mnscreen::cli
