// SPDX-License-Identifier: Apache-2.0
// `mnscreen batch` end to end: the program is run as a child process on files made here, and
// its exit status, output files and messages are checked; an interrupted run is signalled.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "batch_test_support.hpp"
#include "mnscreen/fit.hpp"

namespace fs = std::filesystem;
using mnscreen::test::lines_of;
using mnscreen::test::objects_of;
using mnscreen::test::record;
using mnscreen::test::slurp;

extern char** environ;

namespace {

// A fresh directory, removed with everything in it at the end of the test.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "mnscreen-batch-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] std::string operator/(const std::string& name) const {
    return (path_ / name).string();
  }
  // Names of the files in the directory (temporary files included).
  [[nodiscard]] std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path_)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  fs::path path_;
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// Starts the tool with stdin from `in` and stdout/stderr to files.
pid_t start(const std::vector<std::string>& args, const std::string& in, const std::string& out,
            const std::string& err) {
  std::vector<std::string> argv_text = {MNSCREEN_CLI};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + argv_text[0]);
  return pid;
}

// Exit status, or 1000 + signal if the child died of a signal (it never should).
int finish(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  if (WIFSIGNALED(status)) return 1000 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

struct result {
  int status = 0;
  std::string out;
  std::string err;
};

// Runs the tool to its end in `dir` (stdout/stderr captured in files there).
result run(const temp_dir& dir, const std::vector<std::string>& args,
           const std::string& in = "/dev/null") {
  const pid_t pid = start(args, in, dir / "stdout.txt", dir / "stderr.txt");
  result r;
  r.status = finish(pid);
  r.out = slurp(dir / "stdout.txt");
  r.err = slurp(dir / "stderr.txt");
  fs::remove(dir / "stdout.txt");
  fs::remove(dir / "stderr.txt");
  return r;
}

std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

bool has_temp_file(const temp_dir& dir) {
  for (const auto& f : dir.files())
    if (f.find(".tmp.") != std::string::npos) return true;
  return false;
}

std::string good_line(const std::string& id) {
  static const std::string intake = mnscreen::test::sample_intake("intake-healthy.json");
  static const std::string plan = mnscreen::test::sample_plan();
  return record("\"" + id + "\"", intake, plan);
}

}  // namespace

TEST_CASE("batch cli: good and bad lines: complete outputs, every bad line reported",
          "[batch][cli]") {
  const temp_dir dir;
  const std::string iso = mnscreen::test::sample_intake("intake-isotretinoin.json");
  std::string unknown = iso;
  unknown.replace(unknown.find("\"isotretinoin\""), 14, "\"isotretinion\"");
  const std::string big = good_line("big").insert(20, std::string(10'000'000, ' '));
  const std::string input = good_line("a") + "\n" + good_line("b").substr(0, 70) + "\n\n" +
                            record("\"c\"", unknown, mnscreen::test::sample_plan()) + "\n" + big +
                            "\n" + good_line("d") + "\n";
  write_file(dir / "in.ndjson", input);

  const auto r =
      run(dir, {"batch", "--input", dir / "in.ndjson", "--output", dir / "out.ndjson", "--errors",
                dir / "err.ndjson", "--summary", dir / "sum.json", "--threads", "2"});
  CHECK(r.status == 2);  // some records failed; the outputs are still complete
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("mnscreen batch: 6 lines: 2 screened, 3 failed, 1 blank"));
  CHECK_THAT(r.err, Catch::Contains("decisions: proceed 2,"));

  const auto out = objects_of(slurp(dir / "out.ndjson"));
  REQUIRE(out.size() == 2);
  CHECK(str(out[0].at("id")) == "a");
  CHECK(out[0].at("line").as_int64() == 1);
  CHECK(str(out[1].at("id")) == "d");
  CHECK(out[1].at("line").as_int64() == 6);

  const auto err = objects_of(slurp(dir / "err.ndjson"));
  REQUIRE(err.size() == 3);
  CHECK(err[0].at("line").as_int64() == 2);
  CHECK(str(err[0].at("diagnostics").at(0).at("code")) == "malformed_json");
  CHECK(err[1].at("line").as_int64() == 4);
  CHECK(str(err[1].at("diagnostics").at(0).at("path")) == "$.intake.medications[0].code");
  CHECK(err[2].at("line").as_int64() == 5);
  CHECK(str(err[2].at("diagnostics").at(0).at("code")) == "line_too_large");

  const auto sum = boost::json::parse(slurp(dir / "sum.json")).as_object();
  CHECK(str(sum.at("schema")) == "mnscreen.batch-summary/1");
  CHECK(sum.at("records").as_int64() == 6);
  CHECK(sum.at("screened").as_int64() == 2);
  CHECK(sum.at("failed").as_int64() == 3);
  CHECK(sum.at("blank").as_int64() == 1);
  CHECK(sum.at("decisions").at("proceed").as_int64() == 2);
  CHECK_FALSE(has_temp_file(dir));
}

TEST_CASE("batch cli: all good lines exit 0, threads 1 and 2 write identical files",
          "[batch][cli]") {
  const temp_dir dir;
  std::string input;
  for (int i = 0; i < 300; ++i) input += good_line("p" + std::to_string(i)) + "\n";
  write_file(dir / "in.ndjson", input);
  const auto one = run(dir, {"batch", "--input", dir / "in.ndjson", "--output", dir / "one.ndjson",
                             "--errors", dir / "err1.ndjson", "--threads", "1"});
  const auto two = run(dir, {"batch", "--input", dir / "in.ndjson", "--output", dir / "two.ndjson",
                             "--errors", dir / "err2.ndjson", "--threads", "2"});
  CHECK(one.status == 0);
  CHECK(two.status == 0);
  CHECK(slurp(dir / "one.ndjson") == slurp(dir / "two.ndjson"));
  CHECK(lines_of(slurp(dir / "one.ndjson")).size() == 300);
  CHECK(slurp(dir / "err1.ndjson").empty());  // an empty errors file says "no errors"
}

TEST_CASE("batch cli: standard input and standard output", "[batch][cli]") {
  const temp_dir dir;
  write_file(dir / "in.ndjson", good_line("x") + "\n" + good_line("y") + "\n");
  const auto r = run(dir, {"batch", "--input", "-"}, dir / "in.ndjson");
  CHECK(r.status == 0);
  const auto out = objects_of(r.out);
  REQUIRE(out.size() == 2);
  CHECK(str(out[1].at("id")) == "y");
}

TEST_CASE("batch cli: a link is followed, a FIFO or /dev/null is written in place, not replaced",
          "[batch][cli]") {
  const temp_dir dir;
  write_file(dir / "in.ndjson", good_line("x") + "\n" + good_line("y") + "\n");
  SECTION("a symbolic link: the file it names is replaced, the link stays") {
    write_file(dir / "real.ndjson", "an earlier run's output\n");
    fs::create_symlink("real.ndjson", dir / "out.ndjson");
    fs::create_symlink("later.ndjson", dir / "err.ndjson");  // names no file yet
    const auto r = run(dir, {"batch", "--input", dir / "in.ndjson", "--output", dir / "out.ndjson",
                             "--errors", dir / "err.ndjson"});
    CHECK(r.status == 0);
    CHECK(fs::is_symlink(dir / "out.ndjson"));
    CHECK(fs::is_symlink(dir / "err.ndjson"));
    CHECK(objects_of(slurp(dir / "real.ndjson")).size() == 2);
    CHECK(fs::is_regular_file(dir / "later.ndjson"));
    CHECK(slurp(dir / "later.ndjson").empty());
    CHECK_FALSE(has_temp_file(dir));
  }
  SECTION("a FIFO, then /dev/null") {
    const std::string fifo = dir / "reports.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // The read end is open before the run (so that its open for writing does not wait), and
    // read once the run is over: two reports fit in the pipe's buffer.
    const int rd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    REQUIRE(rd >= 0);
    const auto r = run(dir, {"batch", "--input", dir / "in.ndjson", "--output", fifo});
    std::string got;
    std::array<char, 4096> buf{};
    for (ssize_t n = 0; (n = ::read(rd, buf.data(), buf.size())) > 0;)
      got.append(buf.data(), static_cast<std::size_t>(n));
    ::close(rd);
    CHECK(r.status == 0);
    CHECK(objects_of(got).size() == 2);
    // Still a FIFO, and nothing left beside it. (REQUIRE: were it replaced, the run below
    // would replace /dev/null too.)
    REQUIRE(fs::is_fifo(fifo));
    CHECK_FALSE(has_temp_file(dir));

    const auto n = run(dir, {"batch", "--input", dir / "in.ndjson", "--output", "/dev/null",
                             "--errors", "/dev/null", "--summary", "/dev/null"});
    CHECK(n.status == 0);
    CHECK(n.out.empty());
    CHECK(fs::is_character_file("/dev/null"));
  }
}

TEST_CASE("batch cli: an interrupted run leaves no partial output file", "[batch][cli]") {
  const temp_dir dir;
  // Long enough that the run is still going when the signal comes.
  std::string input;
  const std::string line = good_line("long");
  input.reserve(60000 * (line.size() + 1));
  for (int i = 0; i < 60000; ++i) input += line + "\n";
  write_file(dir / "in.ndjson", input);

  for (int sig : {SIGINT, SIGTERM}) {
    INFO("signal " << sig);
    write_file(dir / "out.ndjson", "an earlier run's output\n");
    const pid_t pid = start({"batch", "--input", dir / "in.ndjson", "--output", dir / "out.ndjson",
                             "--errors", dir / "err.ndjson", "--threads", "2"},
                            "/dev/null", dir / "stdout.txt", dir / "stderr.txt");
    // Wait until reports are being written to the temporary output file.
    bool writing = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!writing && std::chrono::steady_clock::now() < deadline) {
      for (const auto& f : dir.files()) {
        std::error_code ec;
        if (f.starts_with(".out.ndjson.tmp.") && fs::file_size(dir / f, ec) > 0 && !ec)
          writing = true;
      }
      if (!writing) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE(writing);
    REQUIRE(::kill(pid, sig) == 0);
    const int status = finish(pid);
    CHECK(status == 128 + sig);
    CHECK_THAT(slurp(dir / "stderr.txt"), Catch::Contains("interrupted"));
    // The final name still holds the earlier file, whole; nothing else was left behind.
    CHECK(slurp(dir / "out.ndjson") == "an earlier run's output\n");
    CHECK_FALSE(fs::exists(dir / "err.ndjson"));
    CHECK_FALSE(has_temp_file(dir));
  }
}

TEST_CASE("batch cli: usage and input errors create no file", "[batch][cli]") {
  const temp_dir dir;
  write_file(dir / "in.ndjson", good_line("a") + "\n");
  write_file(dir / "bad-policy.json",
             "{\"schema\":\"mnscreen.policy/1\",\"isotretinoin_washout_days\":-5}");
  write_file(dir / "bad-model.json", "{\"schema\":\"mnscreen.model/1\"}");
  const std::string in = dir / "in.ndjson";
  const std::string out = dir / "out.ndjson";
  struct bad_case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<bad_case> cases = {
      {{"batch", "--output", out}, "batch needs either --input FILE or --fhir-ndjson DIR"},
      {{"batch", "--input", in, "--threads", "0", "--output", out}, "--threads must be in"},
      {{"batch", "--input", in, "--output", out, "--errors", out}, "must be different files"},
      {{"batch", "--input", in, "--output", in}, "must not be the input file"},
      {{"batch", "--input", dir / "missing.ndjson", "--output", out}, "no such file"},
      {{"batch", "--input", in, "--output", out, "--policy", dir / "bad-policy.json"},
       "isotretinoin_washout_days"},
      {{"batch", "--input", in, "--output", out, "--model", dir / "bad-model.json"},
       "bad-model.json"},
      {{"batch", "--input", in, "--output", dir / "no-such-dir/out.ndjson"}, "cannot create"},
  };
  for (const auto& c : cases) {
    INFO(c.args.back());
    const auto r = run(dir, c.args);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(has_temp_file(dir));
  }
}

TEST_CASE("batch cli: --help describes the formats and exit codes", "[batch][cli]") {
  const temp_dir dir;
  const auto r = run(dir, {"batch", "--help"});
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("usage: mnscreen batch --input FILE.ndjson"));
  CHECK_THAT(r.out, Catch::Contains("--threads"));
  CHECK_THAT(r.out, Catch::Contains("Exit status"));
}

TEST_CASE("batch cli: --fhir-ndjson screens every patient of a Bulk Data export",
          "[batch][cli][fhir]") {
  const temp_dir dir;
  const std::string bulk = std::string(MNSCREEN_SHARED_DIR) + "/fhir/bulk-10-patients";
  const std::string plan = std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json";
  const auto one = run(dir, {"batch", "--fhir-ndjson", bulk, "--plan", plan, "--output",
                             dir / "one.ndjson", "--errors", dir / "err.ndjson", "--threads", "1"});
  const auto two = run(dir, {"batch", "--fhir-ndjson", bulk, "--plan", plan, "--output",
                             dir / "two.ndjson", "--threads", "2"});
  CHECK(one.status == 0);
  CHECK(two.status == 0);
  CHECK_THAT(one.err, Catch::Contains("mnscreen batch: 13 patients: 13 screened, 0 failed"));
  const std::string text = slurp(dir / "one.ndjson");
  CHECK(text == slurp(dir / "two.ndjson"));
  const auto out = objects_of(text);
  REQUIRE(out.size() == 13);
  for (std::size_t i = 0; i < out.size(); ++i) {
    CHECK(out[i].at("patient").as_int64() == static_cast<std::int64_t>(i) + 1);
    CHECK(str(out[i].at("report").at("schema")) == "mnscreen.report/1");
  }
  CHECK(slurp(dir / "err.ndjson").empty());
}

TEST_CASE("batch cli: an export's unreadable lines come first, the rest is screened",
          "[batch][cli][fhir]") {
  const temp_dir dir;
  fs::create_directory(dir / "export");
  const std::string bulk = std::string(MNSCREEN_SHARED_DIR) + "/fhir/bulk-10-patients";
  write_file(dir / "export/Patient.000.ndjson",
             slurp(bulk + "/Patient.000.ndjson") + "{\"resourceType\": \"Patient\", \"id\n");
  const auto r = run(dir, {"batch", "--fhir-ndjson", dir / "export", "--plan",
                           std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json",
                           "--output", dir / "out.ndjson", "--errors", dir / "err.ndjson"});
  CHECK(r.status == 2);
  CHECK(lines_of(slurp(dir / "out.ndjson")).size() == 13);
  const auto err = objects_of(slurp(dir / "err.ndjson"));
  REQUIRE_FALSE(err.empty());
  CHECK(str(err[0].at("export")) == dir / "export");
  CHECK_THAT(str(err[0].at("reason")), Catch::Contains("Patient.000.ndjson"));
}

TEST_CASE("batch cli: --fhir-ndjson usage", "[batch][cli][fhir]") {
  const temp_dir dir;
  const std::string plan = std::string(MNSCREEN_TEST_DATA_DIR) + "/plan-cheeks-pen.json";
  write_file(dir / "in.ndjson", "\n");
  CHECK_THAT(run(dir, {"batch", "--fhir-ndjson", dir / "x"}).err,
             Catch::Contains("--fhir-ndjson DIR needs --plan FILE"));
  CHECK_THAT(run(dir, {"batch", "--input", dir / "in.ndjson", "--plan", plan}).err,
             Catch::Contains("--plan is for --fhir-ndjson"));
  CHECK_THAT(
      run(dir, {"batch", "--input", dir / "in.ndjson", "--fhir-ndjson", dir / "x", "--plan", plan})
          .err,
      Catch::Contains("either --input FILE or --fhir-ndjson DIR"));
  const auto missing = run(dir, {"batch", "--fhir-ndjson", dir / "x", "--plan", plan});
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Catch::Contains("not a directory"));
}

TEST_CASE("batch cli: --model FILE scores every record with the clinic's model", "[batch][cli]") {
  const temp_dir dir;
  mnscreen::model_file m;
  m.name = "clinic-test";
  m.fitted_on = mnscreen::parse_date("2026-11-01");
  m.records_used = 1234;
  m.knowledge_version = "2026.1";
  const auto prior = mnscreen::risk_model::prior();
  m.coefficients.assign(prior.coefficients().begin(), prior.coefficients().end());
  write_file(dir / "model.json", mnscreen::to_json(m));
  write_file(dir / "in.ndjson", good_line("m1") + "\n");
  const auto r = run(dir, {"batch", "--input", dir / "in.ndjson", "--model", dir / "model.json"});
  CHECK(r.status == 0);
  const auto out = objects_of(r.out);
  REQUIRE(out.size() == 1);
  CHECK_THAT(str(out[0].at("report").at("model")), Catch::Contains("clinic-test"));
}
