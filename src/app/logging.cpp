#include "logging.hpp"

#include <cstdio>
#include <string_view>

#include <rte_log.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace mcsnoop::app {

namespace {

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

}  // namespace

bool setup_logging(config::LogLevel level, const std::optional<std::string>& file, std::string* err) {
  try {
    std::vector<spdlog::sink_ptr> sinks{std::make_shared<spdlog::sinks::stderr_color_sink_mt>()};
    if (file) sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(*file));
    auto logger = std::make_shared<spdlog::logger>("mcsnoop", sinks.begin(), sinks.end());
    logger->set_level(to_spdlog(level));
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
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
