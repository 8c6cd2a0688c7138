// mcsnoopctl's command line:  mcsnoopctl [-s SOCKET] show TOPIC [--json]
//                            mcsnoopctl [-s SOCKET] port enable NAME [--json]
//                            mcsnoopctl [-s SOCKET] reload [--json]  |  -h/--help
//
// Pure functions: thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace mcsnoop::ctl {

struct Invocation {
  enum class Action { kShow, kHelp, kPortEnable, kReload };
  Action action = Action::kShow;
  std::string socket_path;  // -s, else $MCSNOOP_SOCKET if set and non-empty, else the default
  std::string topic;        // word after `show`; one of views()
  std::string port;         // kPortEnable: the port's configured name
  bool json = false;        // --json
};

struct UsageError {
  std::string message;  // one line, without the program name
};

// `args` excludes the program name. `env_socket` is getenv(MCSNOOP_SOCKET) (may be null).
// Options may appear anywhere; -h/--help wins over everything else.
std::variant<Invocation, UsageError> parse_command_line(std::span<const std::string_view> args,
                                                        const char* env_socket);

// The two synopsis lines, printed after a usage error.
std::string usage_synopsis();
// The --help text: synopsis, topics, options, exit status.
std::string usage_text();

}  // namespace mcsnoop::ctl
