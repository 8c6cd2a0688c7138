// mcsnoop's command line (src/app/options.cpp): getopt_long syntax, `--` and EAL arguments,
// --version from the meson project version, exit codes 0/2. The last tests run the binary.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

#include "mcsnoop/version.hpp"
#include "options.hpp"

namespace mcsnoop::app {
namespace {

ParsedOptions parse(std::initializer_list<const char*> words) {
  std::vector<std::string> storage{"mcsnoop"};
  for (const char* w : words) storage.emplace_back(w);
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return parse_options(static_cast<int>(storage.size()), argv.data());
}

TEST(Options, ShortLongAndAttachedConfigForms) {
  for (auto p : {parse({"-c", "a.yaml"}), parse({"-ca.yaml"}), parse({"--config", "a.yaml"}),
                 parse({"--config=a.yaml"})}) {
    EXPECT_EQ(p.exit_code, ParsedOptions::kContinue) << p.err;
    EXPECT_EQ(p.options.config, "a.yaml");
    EXPECT_FALSE(p.options.check);
  }
}

TEST(Options, CheckInAnyOrder) {
  auto p = parse({"--check", "-c", "a.yaml"});
  EXPECT_EQ(p.exit_code, ParsedOptions::kContinue);
  EXPECT_TRUE(p.options.check);
  EXPECT_EQ(p.options.config, "a.yaml");
}

TEST(Options, EverythingAfterDoubleDashGoesToTheEal) {
  auto p = parse({"-c", "a.yaml", "--", "-l", "0-1", "--check", "-c", "x"});
  ASSERT_EQ(p.exit_code, ParsedOptions::kContinue) << p.err;
  EXPECT_FALSE(p.options.check);  // the --check after -- is the EAL's business
  EXPECT_EQ(p.options.config, "a.yaml");
  EXPECT_EQ(p.options.eal_extra, (std::vector<std::string>{"-l", "0-1", "--check", "-c", "x"}));
}

TEST(Options, VersionAndHelpNeedNoConfig) {
  auto v = parse({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, std::string("mcsnoop ") + kVersion + "\n");
  auto h = parse({"-h"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--version"), std::string::npos);
  EXPECT_EQ(parse({"--help"}).exit_code, 0);
}

TEST(Options, UsageErrorsExitTwoAndSayWhat) {
  struct Case {
    std::initializer_list<const char*> words;
    const char* says;
  };
  for (const Case& c : {Case{{}, "-c CONFIG.yaml is required"},
                        Case{{"--check"}, "-c CONFIG.yaml is required"},
                        Case{{"-c"}, "option '-c' needs a value"},
                        Case{{"--config"}, "option '--config' needs a value"},
                        Case{{"-x", "-c", "a"}, "unknown option '-x'"},
                        Case{{"--frobnicate", "-c", "a"}, "unknown option '--frobnicate'"},
                        Case{{"-c", "a", "stray"}, "unexpected argument 'stray'"}}) {
    auto p = parse(c.words);
    EXPECT_EQ(p.exit_code, 2);
    EXPECT_NE(p.err.find(c.says), std::string::npos) << p.err;
    EXPECT_NE(p.err.find("usage: mcsnoop"), std::string::npos);
    EXPECT_TRUE(p.out.empty());
  }
}

// The generated header carries meson's project version (passed to this test by meson.build).
TEST(Version, HeaderMatchesMesonProjectVersion) {
  const char* want = std::getenv("MESON_PROJECT_VERSION");
  ASSERT_NE(want, nullptr);
  EXPECT_STREQ(kVersion, want);
}

// Runs `command`, returns its exit status and stdout.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* f = popen(command.c_str(), "r");
  if (f == nullptr) return {-1, out};
  std::array<char, 512> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  const int st = pclose(f);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

std::string binary(const char* env) {
  const char* p = std::getenv(env);
  return p ? p : "";
}

TEST(Binaries, VersionOnBothExecutables) {
  const std::string want_version = std::string(kVersion) + "\n";
  for (const char* env : {"MCSNOOP", "MCSNOOPCTL"}) {
    const std::string bin = binary(env);
    ASSERT_FALSE(bin.empty()) << env << " not set";
    auto [rc, out] = run("'" + bin + "' --version 2>/dev/null");
    EXPECT_EQ(rc, 0) << bin;
    EXPECT_EQ(out, (env == std::string("MCSNOOP") ? "mcsnoop " : "mcsnoopctl ") + want_version);
  }
}

// getopt_long forms the old hand-written parser refused, on the real binary with --check.
TEST(Binaries, CheckWithAttachedConfigValue) {
  const std::string bin = binary("MCSNOOP");
  const std::string cfg = binary("EXAMPLE_CONFIG");
  ASSERT_FALSE(bin.empty());
  ASSERT_FALSE(cfg.empty());
  EXPECT_EQ(run("'" + bin + "' -c'" + cfg + "' --check >/dev/null 2>&1").first, 0);
  EXPECT_EQ(run("'" + bin + "' --check --config='" + cfg + "' >/dev/null 2>&1").first, 0);
  EXPECT_EQ(run("'" + bin + "' --check --config='" + cfg + "' extra >/dev/null 2>&1").first, 2);
}

}  // namespace
}  // namespace mcsnoop::app
