// spdlog set-up, and DPDK's own log routed into it so that one stream carries everything.
//
// Sinks: under systemd's journal (stderr is the journal stream, see stderr_is_journal) records
// go to the journal with their syslog priority and without a timestamp of ours (the journal
// adds its own); elsewhere to stderr with a timestamp. `logging.file`, when set, receives every
// record as well, and reopen_logs() reopens it after logrotate has moved it away.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "mcsnoop/config/config.hpp"

namespace mcsnoop::app {

// Level and optional file from the config. Returns false with *err on failure.
// Thread safety: call once, from main, before other threads log.
bool setup_logging(config::LogLevel level, const std::optional<std::string>& file, std::string* err);

// Reopens logging.file by name (a no-op without one), so that records go to the new file after
// logrotate renamed the old one; SIGHUP handling calls it. Returns false with *err when the file
// cannot be opened (logging goes on to the other sinks; the file sink retries at the next call).
// Thread safety: any thread, concurrently with logging (the sink's own lock); not from a signal
// handler (it allocates and takes a lock).
bool reopen_logs(std::string* err);

// True when `journal_stream` (the JOURNAL_STREAM variable, "DEVICE:INODE" in decimal, set by
// systemd for services whose output goes to the journal) names the file with `dev`/`ino`: the
// documented test that stderr itself is connected to the journal (systemd.exec(5)), which
// rules out a child that merely inherited the variable and had stderr redirected.
// Thread safety: pure function.
bool journal_stream_matches(const char* journal_stream, dev_t dev, ino_t ino);

// journal_stream_matches for JOURNAL_STREAM and file descriptor 2.
bool stderr_is_journal();

// Points rte_log at spdlog (call before rte_eal_init so EAL's messages arrive there too).
void route_dpdk_log();

}  // namespace mcsnoop::app
