#include "logging.hpp"

#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string_view>

#include <rte_log.h>
#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

namespace mcsnoop::app {

namespace {

constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v";

// A file sink that can reopen its file by name (spdlog 1.10's basic_file_sink cannot): after
// logrotate renames mcsnoop.log, reopen() creates a new mcsnoop.log and writes there.
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(const std::string& path) : path_(path) {
    file_.open(path_, false);  // throws: setup_logging reports it
    open_ = true;
  }

  // Thread safety: takes the sink's lock, so records logged meanwhile go to one file or the other.
  void reopen() {
    std::lock_guard<std::mutex> lock(mutex_);
    file_.close();
    open_ = false;
    file_.open(path_, false);  // throws spdlog_ex; records are dropped until a reopen succeeds
    open_ = true;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (!open_) return;
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    file_.write(formatted);
  }
  void flush_() override {
    if (open_) file_.flush();
  }

 private:
  std::string path_;
  spdlog::details::file_helper file_;
  bool open_ = false;  // guarded by mutex_
};

// The file sink of the running logger, for reopen_logs() (set once by setup_logging).
std::shared_ptr<ReopenableFileSink>& file_sink() {
  static std::shared_ptr<ReopenableFileSink> sink;
  return sink;
}

spdlog::level::level_enum to_spdlog(config::LogLevel l) {
  switch (l) {
    case config::LogLevel::Trace: return spdlog::level::trace;
    case config::LogLevel::Debug: return spdlog::level::debug;
    case config::LogLevel::Info: return spdlog::level::info;
    case config::LogLevel::Warn: return spdlog::level::warn;
    case config::LogLevel::Error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

// rte_log writes whole lines through this stream; map DPDK's level to ours.
ssize_t dpdk_log_write(void*, const char* buf, size_t size) {
  std::string_view line(buf, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return static_cast<ssize_t>(size);
  const uint32_t lvl = rte_log_cur_msg_loglevel();
  spdlog::level::level_enum l = spdlog::level::debug;
  if (lvl <= RTE_LOG_ERR) l = spdlog::level::err;
  else if (lvl == RTE_LOG_WARNING) l = spdlog::level::warn;
  else if (lvl <= RTE_LOG_INFO) l = spdlog::level::info;
  spdlog::log(l, "dpdk: {}", line);
  return static_cast<ssize_t>(size);
}

template <typename T>
bool parse_decimal(std::string_view s, T* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

bool journal_stream_matches(const char* journal_stream, dev_t dev, ino_t ino) {
  if (journal_stream == nullptr) return false;
  const std::string_view v(journal_stream);
  const size_t colon = v.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long want_dev = 0, want_ino = 0;
  return parse_decimal(v.substr(0, colon), &want_dev) && parse_decimal(v.substr(colon + 1), &want_ino) &&
         want_dev == static_cast<unsigned long long>(dev) && want_ino == static_cast<unsigned long long>(ino);
}

bool stderr_is_journal() {
  struct stat st {};
  if (fstat(2, &st) != 0) return false;
  return journal_stream_matches(std::getenv("JOURNAL_STREAM"), st.st_dev, st.st_ino);
}

bool setup_logging(config::LogLevel level, const std::optional<std::string>& file, std::string* err) {
  try {
    std::vector<spdlog::sink_ptr> sinks;
    if (stderr_is_journal()) {
      // Unformatted: the journal stores the time and the priority (journalctl -p works).
      sinks.push_back(std::make_shared<spdlog::sinks::systemd_sink_mt>("mcsnoop", false));
    } else {
      auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
      console->set_pattern(kPattern);
      sinks.push_back(console);
    }
    file_sink().reset();
    if (file) {
      file_sink() = std::make_shared<ReopenableFileSink>(*file);
      file_sink()->set_pattern(kPattern);
      sinks.push_back(file_sink());
    }
    auto logger = std::make_shared<spdlog::logger>("mcsnoop", sinks.begin(), sinks.end());
    logger->set_level(to_spdlog(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
  } catch (const std::exception& e) {
    *err = std::string("logging.file: ") + e.what();
    return false;
  }
  return true;
}

bool reopen_logs(std::string* err) {
  const std::shared_ptr<ReopenableFileSink> sink = file_sink();
  if (!sink) return true;
  try {
    sink->reopen();
  } catch (const std::exception& e) {
    *err = std::string("logging.file: ") + e.what();
    return false;
  }
  return true;
}

void route_dpdk_log() {
  static cookie_io_functions_t fns = {nullptr, dpdk_log_write, nullptr, nullptr};
  if (FILE* f = fopencookie(nullptr, "w", fns)) {
    setvbuf(f, nullptr, _IOLBF, 0);
    rte_openlog_stream(f);
  }
}

}  // namespace mcsnoop::app
