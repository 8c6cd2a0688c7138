// mcsnoopctl explain --port P --dst GROUP [--src S] [--vlan N] [--json]: its arguments, the
// request it sends, and the reply rendered for people. The JSON shape is specified in
// docs/control-socket.md (`explain`).
//
// Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcsnoop::ctl {

struct UsageError;

struct ExplainArgs {
  std::string port;
  std::string dst;
  std::optional<std::string> src;
  std::optional<int> vlan;
};

// Whether `option` is one of explain's options that take a value (--port, --dst, --src, --vlan).
bool is_explain_option(std::string_view option);
// Stores one option's value; a usage error for a malformed one (not an address, not a
// multicast group, a VLAN outside 1-4094, given twice).
std::optional<UsageError> set_explain_option(ExplainArgs& args, std::string_view option, std::string_view value);
// After the command line: the required options are there, --src is of --dst's family.
std::optional<UsageError> check_explain(const ExplainArgs& args);

// {"command": "explain", "port": ..., "dst": ..., "src"?: ..., "vlan"?: ...}
nlohmann::json explain_request(const ExplainArgs& args);

// The reply's data as a summary and a table of ports. Throws ReplyShapeError (views.hpp).
std::string render_explain(const nlohmann::json& data);

}  // namespace mcsnoop::ctl
