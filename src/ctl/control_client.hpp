// One request/response exchange with the switch's control socket (see mcsnoop/mgmt/protocol.hpp).
//
// Blocking, bounded by a total deadline. Thread-safe: no shared state.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcsnoop::ctl {

struct Reply {
  enum class Status {
    kOk,           // the switch answered ok:true; `data` holds its data
    kFailed,       // the switch answered ok:false; `error` says why
    kUnreachable,  // no connection, no complete reply in time, or not a reply at all
  };
  Status status = Status::kUnreachable;
  nlohmann::json data;
  std::string error;  // for kFailed and kUnreachable: one line, e.g. "Connection refused"
};

// Connects to `socket_path`, sends {"command": command}, and reads the one-line reply. The
// whole exchange (connect, send, receive) must finish within `timeout`.
Reply request(const std::string& socket_path, std::string_view command,
              std::chrono::milliseconds timeout);
// The same with a whole request object (a command with arguments, e.g. `port enable`).
Reply request(const std::string& socket_path, const nlohmann::json& request_object,
              std::chrono::milliseconds timeout);

}  // namespace mcsnoop::ctl
