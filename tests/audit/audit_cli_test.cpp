// SPDX-License-Identifier: Apache-2.0
// `mnscreen audit` run as a child process: exports, --since, --summary, and clear errors with
// exit status 2 for a missing, damaged, foreign or newer database and for bad options.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "audit/audit.hpp"
#include "audit_test_support.hpp"

namespace audit = mnscreen::audit;
using namespace mnscreen::test::audit;

extern char** environ;

namespace {

struct result {
  int status = 0;
  std::string out, err;
};

result run(const temp_dir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "audit");
  args.insert(args.begin(), MNSCREEN_CLI);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out = dir / "stdout.txt", err = dir / "stderr.txt";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start the tool");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  result r;
  r.status = WIFSIGNALED(status) ? 1000 + WTERMSIG(status) : WEXITSTATUS(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

void fill(const std::string& path) {
  audit::options o;
  o.db_path = path;
  audit::log log(o);
  log.record(hook("h1", {"MED-ISO"}, "2026-12-01T08:00:00.000Z"));
  log.record(hook("h2", {"MED-ISO"}, "2026-12-02T08:00:00.000Z"));
  log.record(feedback("card-h1", "overridden", "patient-aware", "2026-12-01T08:05:00Z",
                      "2026-12-01T08:05:01.000Z"));
  log.record(
      feedback("card-h2", "accepted", "", "2026-12-02T08:05:00Z", "2026-12-02T08:05:01.000Z"));
}

}  // namespace

TEST_CASE("audit cli: json, csv, --since and --summary", "[audit][cli]") {
  const temp_dir dir;
  const std::string db = dir / "audit.db";
  fill(db);
  auto r = run(dir, {"--db", db});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 4);
  for (const auto& l : lines) CHECK(boost::json::parse(l).is_object());
  CHECK(boost::json::parse(lines[0]).at("kind") == "hook");
  CHECK(boost::json::parse(lines[1]).at("kind") == "feedback");

  r = run(dir, {"--db", db, "--since", "2026-12-02", "--format", "csv"});
  CHECK(r.status == 0);
  lines = lines_of(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].starts_with("kind,record_id,time,"));
  CHECK(lines[1].starts_with("hook,"));
  CHECK(lines[2].starts_with("feedback,"));

  r = run(dir, {"--db", db, "--summary"});
  CHECK(r.status == 0);
  lines = lines_of(r.out);
  REQUIRE(lines.size() == 2);
  const auto med = boost::json::parse(lines[0]).as_object();
  CHECK(med.at("rule_id") == "MED-ISO");
  CHECK(med.at("overridden") == 1);
  CHECK(med.at("accepted") == 1);
  CHECK(boost::json::parse(lines[1]).at("rule_id") == "(none)");

  r = run(dir, {"--help"});
  CHECK(r.status == 0);
  CHECK(r.out.find("--summary") != std::string::npos);
}

TEST_CASE("audit cli: a missing, damaged, foreign or newer database is a clear error (exit 2)",
          "[audit][cli]") {
  const temp_dir dir;
  auto r = run(dir, {"--db", dir / "nope.db"});
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("nope.db: no such file") != std::string::npos);
  CHECK(r.err.find("(audit_db_missing)") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "nope.db"));  // never created by reading

  fs::create_directory(dir / "adir");
  r = run(dir, {"--db", dir / "adir"});
  CHECK(r.status == 2);
  CHECK(r.err.find("(audit_db_missing)") != std::string::npos);

  {
    std::ofstream junk(dir / "junk.db");
    junk << std::string(5000, 'x');
  }
  r = run(dir, {"--db", dir / "junk.db"});
  CHECK(r.status == 2);
  CHECK(r.err.find("(audit_db_unreadable)") != std::string::npos);

  {
    sql other(dir / "other.db");
    other.exec("CREATE TABLE patients(name TEXT)");
  }
  r = run(dir, {"--db", dir / "other.db"});
  CHECK(r.status == 2);
  CHECK(r.err.find("other.db: not an mnscreen audit database") != std::string::npos);
  CHECK(r.err.find("(audit_db_not_audit)") != std::string::npos);

  {
    audit::options o;
    o.db_path = dir / "newer.db";
    audit::log log(o);
  }
  {
    sql newer(dir / "newer.db");
    newer.exec("PRAGMA user_version = 2");
  }
  r = run(dir, {"--db", dir / "newer.db"});
  CHECK(r.status == 2);
  CHECK(r.err.find("schema version 2 is newer") != std::string::npos);
  CHECK(r.err.find("(audit_db_newer_schema)") != std::string::npos);
}

TEST_CASE("audit cli: bad options are usage errors (exit 2)", "[audit][cli]") {
  const temp_dir dir;
  const std::string db = dir / "audit.db";
  fill(db);
  auto r = run(dir, {});
  CHECK(r.status == 2);
  CHECK(r.err.find("--db FILE is required") != std::string::npos);
  r = run(dir, {"--db", db, "--format", "xml"});
  CHECK(r.status == 2);
  CHECK(r.err.find("--format must be 'json' or 'csv'") != std::string::npos);
  r = run(dir, {"--db", db, "--since", "2026-02-30"});
  CHECK(r.status == 2);
  CHECK(r.err.find("'2026-02-30' is not a UTC date") != std::string::npos);
  CHECK(r.out.empty());
}
