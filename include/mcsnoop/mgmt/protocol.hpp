// The control socket protocol shared by the switch (ControlServer) and mcsnoopctl.
//
// Transport: AF_UNIX SOCK_STREAM. Framing: one JSON object per line ('\n'), both ways.
//   request   {"command": "show groups"}
//   response  {"ok": true, "data": <any JSON>}   or   {"ok": false, "error": "<text>"}
// A connection may carry any number of requests; responses come back in request order.
// docs/control-socket.md is the reference for operators; keep it in step with this file.
//
// Header-only on purpose: the client links nothing of the switch.
#pragma once

#include <cstddef>
#include <string_view>

namespace mcsnoop::mgmt {

inline constexpr std::string_view kDefaultSocketPath = "/run/mcsnoop/mcsnoop.sock";

// Environment variable that mcsnoopctl reads when -s is not given.
inline constexpr std::string_view kSocketEnvVar = "MCSNOOP_SOCKET";

// Longest request line the server accepts (without its '\n'). Requests are one short command,
// so this only bounds the memory a misbehaving client can make the control lcore hold.
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;

// Keys of the request and response objects.
namespace key {
inline constexpr const char* kCommand = "command";
inline constexpr const char* kOk = "ok";
inline constexpr const char* kData = "data";
inline constexpr const char* kError = "error";
}  // namespace key

// The commands of the external contract. The switch registers a handler for each.
namespace command {
inline constexpr std::string_view kShowGroups = "show groups";
inline constexpr std::string_view kShowRouters = "show routers";
inline constexpr std::string_view kShowQuerier = "show querier";
inline constexpr std::string_view kShowPorts = "show ports";
inline constexpr std::string_view kShowStats = "show stats";
inline constexpr std::string_view kShowVlans = "show vlans";
inline constexpr std::string_view kShowMac = "show mac";
inline constexpr std::string_view kShowVersion = "show version";
inline constexpr std::string_view kClearGroups = "clear groups";
inline constexpr std::string_view kClearCounters = "clear counters";
}  // namespace command

}  // namespace mcsnoop::mgmt
