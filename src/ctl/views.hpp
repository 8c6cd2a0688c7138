// The `show` topics of mcsnoopctl: which control command each sends and how its reply's
// `data` becomes a table for people. The JSON shapes are specified in docs/control-socket.md.
//
// Pure functions: thread-safe.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcsnoop::ctl {

// The reply's data does not have the documented shape (e.g. an object where a list belongs).
// Fields that are merely missing or null are shown as "-" instead.
class ReplyShapeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct View {
  std::string_view topic;    // word after `show`
  std::string_view command;  // control socket command
  std::string_view summary;  // one line for --help
  std::string (*render)(const nlohmann::json& data);  // throws ReplyShapeError
};

// Every topic, in the order --help lists them.
std::span<const View> views();
// nullptr when `topic` is not one of them.
const View* find_view(std::string_view topic);

std::string render_groups(const nlohmann::json& data);  // either form, told apart by the rows
// `show groups ... detail`: the detail table, with its own header when no membership matched.
std::string render_group_detail(const nlohmann::json& data);
std::string render_routers(const nlohmann::json& data);
std::string render_querier(const nlohmann::json& data);
std::string render_ports(const nlohmann::json& data);
std::string render_stats(const nlohmann::json& data);
std::string render_vlans(const nlohmann::json& data);
std::string render_mac(const nlohmann::json& data);
std::string render_version(const nlohmann::json& data);
// `clear groups` / `clear counters` (topic "groups" / "counters"): one line.
std::string render_clear(std::string_view topic, const nlohmann::json& data);

// Cell formats, shared by the renderers and exposed for tests.
std::string format_value(const nlohmann::json& value);    // null/missing "-", bool yes/no, list a,b
std::string format_expires(const nlohmann::json& value);  // seconds, one decimal, "12.5s"; null "-"

}  // namespace mcsnoop::ctl
