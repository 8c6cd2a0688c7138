// Logging (src/app/logging.cpp): the journal is chosen only when stderr is the stream that
// JOURNAL_STREAM names; logging.file is reopened by name after a rotation (reopen_logs).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include "logging.hpp"

namespace mcsnoop::app {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(JournalStream, MatchesOnlyTheSameDeviceAndInode) {
  EXPECT_TRUE(journal_stream_matches("8:1234", 8, 1234));
  EXPECT_FALSE(journal_stream_matches("8:1234", 8, 1235));
  EXPECT_FALSE(journal_stream_matches("9:1234", 8, 1234));
  EXPECT_FALSE(journal_stream_matches(nullptr, 8, 1234));
  EXPECT_FALSE(journal_stream_matches("", 8, 1234));
  EXPECT_FALSE(journal_stream_matches("8:", 8, 0));
  EXPECT_FALSE(journal_stream_matches(":1234", 0, 1234));
  EXPECT_FALSE(journal_stream_matches("8:1234x", 8, 1234));
  EXPECT_FALSE(journal_stream_matches("-8:1234", 8, 1234));
}

// A child that inherited JOURNAL_STREAM but whose stderr goes elsewhere is not under journald.
TEST(JournalStream, InheritedVariableWithRedirectedStderrIsNotTheJournal) {
  struct stat st {};
  ASSERT_EQ(fstat(2, &st), 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  const std::string other = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
  ASSERT_EQ(setenv("JOURNAL_STREAM", other.c_str(), 1), 0);
  EXPECT_FALSE(stderr_is_journal());
  ASSERT_EQ(setenv("JOURNAL_STREAM", mine.c_str(), 1), 0);
  EXPECT_TRUE(stderr_is_journal());
  unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(stderr_is_journal());
}

// Under journald the console sink is the journal's (priorities, no timestamp of ours); the
// file sink stays. (Nothing is logged here: this machine may have no journald.)
TEST(JournalStream, SetupChoosesTheJournalSinkOnlyUnderJournald) {
  struct stat st {};
  ASSERT_EQ(fstat(2, &st), 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  std::string err;
  ASSERT_EQ(setenv("JOURNAL_STREAM", mine.c_str(), 1), 0);
  ASSERT_TRUE(setup_logging(config::LogLevel::Info, std::nullopt, &err)) << err;
  ASSERT_EQ(spdlog::default_logger()->sinks().size(), 1u);
  EXPECT_NE(std::dynamic_pointer_cast<spdlog::sinks::systemd_sink_mt>(spdlog::default_logger()->sinks()[0]), nullptr);
  unsetenv("JOURNAL_STREAM");
  ASSERT_TRUE(setup_logging(config::LogLevel::Info, std::nullopt, &err)) << err;
  ASSERT_EQ(spdlog::default_logger()->sinks().size(), 1u);
  EXPECT_EQ(std::dynamic_pointer_cast<spdlog::sinks::systemd_sink_mt>(spdlog::default_logger()->sinks()[0]), nullptr);
}

TEST(LogFile, ReopenAfterRotationWritesToTheNewFile) {
  const fs::path dir = fs::temp_directory_path() / ("mcsnoop-log-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path log = dir / "mcsnoop.log";
  const fs::path rotated = dir / "mcsnoop.log.1";
  unsetenv("JOURNAL_STREAM");
  std::string err;
  ASSERT_TRUE(setup_logging(config::LogLevel::Info, log.string(), &err)) << err;
  spdlog::info("before rotation");
  fs::rename(log, rotated);  // what logrotate does (without copytruncate)
  spdlog::info("after rename, before reopen");
  ASSERT_TRUE(reopen_logs(&err)) << err;
  spdlog::info("after reopen");
  spdlog::default_logger()->flush();

  const std::string old_text = slurp(rotated);
  const std::string new_text = slurp(log);
  EXPECT_NE(old_text.find("before rotation"), std::string::npos);
  EXPECT_NE(old_text.find("after rename, before reopen"), std::string::npos);
  EXPECT_EQ(new_text.find("before rotation"), std::string::npos);
  EXPECT_NE(new_text.find("after reopen"), std::string::npos) << new_text;
  EXPECT_NE(new_text.find(" info after reopen"), std::string::npos) << "timestamp and level kept";

  // The path cannot be opened (a directory took its place; permissions would not stop root):
  // reopen fails naming the key, logging to the other sinks goes on, a later reopen recovers.
  fs::rename(log, rotated);
  fs::create_directory(log);
  EXPECT_FALSE(reopen_logs(&err));
  EXPECT_NE(err.find("logging.file"), std::string::npos) << err;
  spdlog::info("while the file cannot be opened");  // dropped by the file sink, no crash
  fs::remove(log);
  EXPECT_TRUE(reopen_logs(&err)) << err;
  spdlog::info("back");
  spdlog::default_logger()->flush();
  EXPECT_NE(slurp(log).find("back"), std::string::npos);
  fs::remove_all(dir);
}

TEST(LogFile, ReopenWithoutFileIsANoOp) {
  std::string err;
  ASSERT_TRUE(setup_logging(config::LogLevel::Info, std::nullopt, &err)) << err;
  EXPECT_TRUE(reopen_logs(&err));
}

}  // namespace
}  // namespace mcsnoop::app
