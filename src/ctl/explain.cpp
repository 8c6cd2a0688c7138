#include "ctl/explain.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <vector>

#include "ctl/cli.hpp"
#include "ctl/table.hpp"
#include "ctl/views.hpp"

namespace mcsnoop::ctl {
namespace {

using nlohmann::json;

// 4 (IPv4), 6 (IPv6) or 0 (neither); `multicast` says whether it is a group address.
int address_family(const std::string& text, bool* multicast) {
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
    *multicast = (bytes[0] & 0xf0) == 0xe0;
    return 4;
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    *multicast = bytes[0] == 0xff;
    return 6;
  }
  return 0;
}

const json& member(const json& object, const char* name) {
  static const json kNull;
  const auto it = object.find(name);
  return it == object.end() ? kNull : *it;
}

std::string text(const json& value) { return value.is_string() ? value.get<std::string>() : format_value(value); }

// "(S,G) miss, (*,G) hit" from the keys tried and the match.
std::string lookup_line(const json& data) {
  const json& lookup = member(data, "lookup");
  const json& match = member(data, "match");
  if (!lookup.is_array() || lookup.empty()) return "none (" + text(member(data, "class")) + ")";
  std::string out;
  for (const json& k : lookup) {
    if (!out.empty()) out += ", ";
    out += text(k) + (k == match ? " hit" : " miss");
  }
  return out;
}

}  // namespace

bool is_explain_option(std::string_view option) {
  return option == "--port" || option == "--dst" || option == "--src" || option == "--vlan";
}

std::optional<UsageError> set_explain_option(ExplainArgs& args, std::string_view option, std::string_view value) {
  const std::string v(value);
  const std::string name(option);
  if (option == "--port") {
    if (!args.port.empty()) return UsageError{"option --port given twice"};
    if (v.empty()) return UsageError{"option --port needs a port name"};
    args.port = v;
  } else if (option == "--dst" || option == "--src") {
    const bool dst = option == "--dst";
    if (dst ? !args.dst.empty() : args.src.has_value()) return UsageError{"option " + name + " given twice"};
    bool multicast = false;
    if (address_family(v, &multicast) == 0) return UsageError{name + " '" + v + "' is not an IPv4 or IPv6 address"};
    if (dst && !multicast) return UsageError{"--dst " + v + " is not a multicast group address"};
    if (!dst && multicast) return UsageError{"--src " + v + " is a multicast address"};
    if (dst) {
      args.dst = v;
    } else {
      args.src = v;
    }
  } else {
    int vlan = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), vlan);
    if (ec != std::errc() || end != v.data() + v.size() || vlan < 1 || vlan > 4094) {
      return UsageError{"--vlan '" + v + "' is not a VLAN id (1-4094)"};
    }
    if (args.vlan) return UsageError{"option --vlan given twice"};
    args.vlan = vlan;
  }
  return std::nullopt;
}

std::optional<UsageError> check_explain(const ExplainArgs& args) {
  if (args.port.empty()) return UsageError{"explain needs --port PORT"};
  if (args.dst.empty()) return UsageError{"explain needs --dst GROUP"};
  if (args.src) {
    bool multicast = false;
    if (address_family(*args.src, &multicast) != address_family(args.dst, &multicast)) {
      return UsageError{"--src " + *args.src + " and --dst " + args.dst + " are not of one address family"};
    }
  }
  return std::nullopt;
}

json explain_request(const ExplainArgs& args) {
  json req = {{"command", "explain"}, {"port", args.port}, {"dst", args.dst}};
  if (args.src) req["src"] = *args.src;
  if (args.vlan) req["vlan"] = *args.vlan;
  return req;
}

std::string render_explain(const json& data) {
  if (!data.is_object()) throw ReplyShapeError(std::string("explain: expected an object, got ") + data.type_name());
  const json& ports = member(data, "ports");
  if (!ports.is_array()) throw ReplyShapeError("explain: \"ports\" is not a list");

  std::string frame = text(member(data, "dst"));
  if (member(data, "src").is_string()) frame += " from " + text(member(data, "src"));
  frame += ", in on " + text(member(data, "port")) + ", VLAN " + text(member(data, "vlan"));
  std::string match = text(member(data, "match"));
  if (member(data, "unregistered").is_string()) match += ": unregistered policy " + text(member(data, "unregistered"));
  std::string egress;
  if (const json& e = member(data, "egress"); e.is_array()) {
    for (const json& n : e) egress += (egress.empty() ? "" : ", ") + text(n);
  }
  std::vector<Row> summary = {{"frame", frame},
                              {"class", text(member(data, "classification"))},
                              {"lookup", lookup_line(data)},
                              {"match", match},
                              {"egress", egress.empty() ? "(none)" : egress}};
  if (const json& notes = member(data, "notes"); notes.is_array()) {
    for (const json& n : notes) summary.push_back({"note", text(n)});
  }
  std::string out;
  for (const Row& r : summary) out += r[0] + std::string(8 - r[0].size(), ' ') + r[1] + '\n';
  out += '\n';

  static const std::array<Column, 3> kColumns = {{{"PORT"}, {"FORWARDED"}, {"REASON"}}};
  std::vector<Row> rows;
  for (const json& p : ports) {
    if (!p.is_object()) throw ReplyShapeError("explain: \"ports\" entries must be objects");
    std::string fwd = format_value(member(p, "forwarded"));
    if (member(p, "tagged").is_boolean()) fwd += member(p, "tagged").get<bool>() ? " (tagged)" : "";
    rows.push_back({text(member(p, "name")), fwd, text(member(p, "reason"))});
  }
  return out + render_table(kColumns, rows);
}

}  // namespace mcsnoop::ctl
