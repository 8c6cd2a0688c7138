#include "ctl/cli.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

#include "ctl/views.hpp"
#include "mcsnoop/mgmt/protocol.hpp"

namespace mcsnoop::ctl {
namespace {

std::string topic_list(std::string_view separator) {
  std::string out;
  for (const View& v : views()) {
    if (!out.empty()) out += separator;
    out += v.topic;
  }
  return out;
}

// The keyword arguments a topic takes after its name, e.g. `vlan 10 port h1 detail`.
struct Keyword {
  std::string_view word;
  enum class Kind { kVlan, kGroup, kPort, kFlag } kind;
};

std::span<const Keyword> keywords_of(std::string_view verb, std::string_view topic) {
  static constexpr Keyword kGroups[] = {{"vlan", Keyword::Kind::kVlan},
                                        {"group", Keyword::Kind::kGroup},
                                        {"port", Keyword::Kind::kPort},
                                        {"detail", Keyword::Kind::kFlag}};
  static constexpr Keyword kVlanPort[] = {{"vlan", Keyword::Kind::kVlan}, {"port", Keyword::Kind::kPort}};
  if (verb == "show" && topic == "groups") return kGroups;
  if ((verb == "show" && topic == "mac") || (verb == "clear" && topic == "groups")) return kVlanPort;
  return {};
}

// An IPv4 or IPv6 multicast address (224.0.0.0/4, ff00::/8).
bool is_multicast_address(const std::string& text) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return (buf[0] & 0xf0) == 0xe0;
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return buf[0] == 0xff;
  return false;
}

// `vlan N` / `group G` / `port P` / `detail` after the topic, each at most once.
std::optional<UsageError> parse_keywords(const std::vector<std::string_view>& words, std::size_t first,
                                         std::string_view verb, Invocation& inv) {
  const std::span<const Keyword> allowed = keywords_of(verb, inv.topic);
  for (std::size_t i = first; i < words.size(); ++i) {
    const std::string word(words[i]);
    const auto k = std::find_if(allowed.begin(), allowed.end(), [&](const Keyword& kw) { return kw.word == word; });
    if (k == allowed.end()) return UsageError{"unexpected argument '" + word + "'"};
    if (inv.args.contains(word)) return UsageError{"'" + word + "' given twice"};
    if (k->kind == Keyword::Kind::kFlag) {
      inv.args[word] = true;
      continue;
    }
    if (i + 1 == words.size()) return UsageError{"'" + word + "' needs a value"};
    const std::string value(words[++i]);
    switch (k->kind) {
      case Keyword::Kind::kVlan: {
        char* end = nullptr;
        const long id = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || id < 1 || id > 4094) {
          return UsageError{"vlan: '" + value + "' is not a VLAN id (1..4094)"};
        }
        inv.args[word] = id;
        break;
      }
      case Keyword::Kind::kGroup:
        if (!is_multicast_address(value)) return UsageError{"group: '" + value + "' is not a multicast address"};
        inv.args[word] = value;
        break;
      case Keyword::Kind::kPort:
      case Keyword::Kind::kFlag:
        inv.args[word] = value;
        break;
    }
  }
  return std::nullopt;
}

// `show TOPIC [keywords]`: the topic must name a view.
std::optional<UsageError> parse_show(const std::vector<std::string_view>& words, Invocation& inv) {
  if (words.size() < 2) return UsageError{"show what? (" + topic_list(", ") + ")"};
  if (find_view(words[1]) == nullptr) {
    return UsageError{"cannot show '" + std::string(words[1]) + "' (try " + topic_list(", ") + ")"};
  }
  inv.topic = words[1];
  return parse_keywords(words, 2, "show", inv);
}

// `clear groups [vlan N] [port P]` | `clear counters`.
std::optional<UsageError> parse_clear(const std::vector<std::string_view>& words, Invocation& inv) {
  if (words.size() < 2) return UsageError{"clear what? (groups, counters)"};
  if (words[1] != "groups" && words[1] != "counters") {
    return UsageError{"cannot clear '" + std::string(words[1]) + "' (try groups, counters)"};
  }
  inv.action = Invocation::Action::kClear;
  inv.topic = words[1];
  return parse_keywords(words, 2, "clear", inv);
}

}  // namespace

std::variant<Invocation, UsageError> parse_command_line(std::span<const std::string_view> args,
                                                        const char* env_socket) {
  Invocation inv;
  for (std::string_view a : args) {
    if (a == "-h" || a == "--help") {
      inv.action = Invocation::Action::kHelp;
      return inv;
    }
  }

  std::vector<std::string_view> words;
  bool socket_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "-s") {
      if (i + 1 == args.size()) return UsageError{"option -s needs a socket path"};
      const std::string_view path = args[++i];
      if (path.empty()) return UsageError{"option -s needs a non-empty socket path"};
      inv.socket_path = path;
      socket_given = true;
    } else if (a == "--json") {
      inv.json = true;
    } else if (!words.empty() && words[0] == "explain" && is_explain_option(a)) {
      if (i + 1 == args.size()) return UsageError{"option " + std::string(a) + " needs a value"};
      if (auto err = set_explain_option(inv.explain, a, args[++i])) return *err;
    } else if (a.size() > 1 && a.front() == '-') {
      return UsageError{"unknown option '" + std::string(a) + "'"};
    } else {
      words.push_back(a);
    }
  }

  if (words.empty()) return UsageError{"missing command"};
  if (words[0] == "port") {
    if (words.size() < 2 || words[1] != "enable") return UsageError{"port what? (port enable NAME)"};
    if (words.size() < 3) return UsageError{"port enable needs a port name"};
    if (words.size() > 3) return UsageError{"unexpected argument '" + std::string(words[3]) + "'"};
    inv.action = Invocation::Action::kPortEnable;
    inv.port = words[2];
  } else if (words[0] == "clear") {
    if (auto err = parse_clear(words, inv)) return *err;
  } else if (words[0] == "explain") {
    if (words.size() > 1) return UsageError{"unexpected argument '" + std::string(words[1]) + "'"};
    if (auto err = check_explain(inv.explain)) return *err;
    inv.action = Invocation::Action::kExplain;
  } else if (words[0] == "reload") {
    if (words.size() > 1) return UsageError{"unexpected argument '" + std::string(words[1]) + "'"};
    inv.action = Invocation::Action::kReload;
  } else if (words[0] != "show") {
    return UsageError{"unknown command '" + std::string(words[0]) + "'"};
  } else if (auto err = parse_show(words, inv)) {
    return *err;
  }

  if (!socket_given) {
    inv.socket_path = env_socket != nullptr && *env_socket != '\0'
                          ? std::string(env_socket)
                          : std::string(mgmt::kDefaultSocketPath);
  }
  return inv;
}

std::string usage_synopsis() {
  return "Usage: mcsnoopctl [-s SOCKET] show " + topic_list("|") + " [FILTERS] [--json]\n"
         "       mcsnoopctl [-s SOCKET] clear groups [vlan N] [port P] | clear counters [--json]\n"
         "       mcsnoopctl [-s SOCKET] port enable NAME [--json]\n"
         "       mcsnoopctl [-s SOCKET] explain --port P --dst GROUP [--src S] [--vlan N] [--json]\n"
         "       mcsnoopctl [-s SOCKET] reload [--json]\n"
         "       mcsnoopctl -h|--help|--version\n";
}

std::string usage_text() {
  std::string text = usage_synopsis() +
      "\n"
      "Query a running mcsnoop switch through its control socket.\n"
      "\n";
  for (const View& v : views()) {
    std::string name = "show " + std::string(v.topic);
    name.resize(16, ' ');
    text += "  " + name + std::string(v.summary) + "\n";
  }
  text +=
      "  clear groups      forget learned memberships (relearned from the next reports; our\n"
      "                    querier asks at once)\n"
      "  clear counters    count the show views from zero (metrics keep counting)\n"
      "  port enable NAME  reopen a port BPDU guard has shut\n"
      "  explain           why a multicast frame to --dst (from --src) arriving on --port (tagged\n"
      "                    --vlan) goes where it goes: the data plane's decision, port by port\n"
      "  reload            re-read the configuration file (as SIGHUP); exit 1 if refused\n"
      "\n"
      "Filters:\n"
      "  show groups [vlan N] [group G] [port P] [detail]   detail: one row per port and group,\n"
      "                    and per source, with filter mode, timers, hosts, version, up-time\n"
      "  show mac [vlan N] [port P]\n"
      "  clear groups [vlan N] [port P]\n";
  text +=
      "\n"
      "Options:\n"
      "  -s SOCKET       control socket of the switch (default: $" +
      std::string(mgmt::kSocketEnvVar) + " if set,\n"
      "                  else " + std::string(mgmt::kDefaultSocketPath) + ")\n"
      "  --json          print the reply as JSON instead of a table\n"
      "  -h, --help      print this help\n"
      "  --version       print the version of mcsnoopctl\n"
      "\n"
      "Exit status: 0 success, 1 the switch cannot be reached (or failed the request),\n"
      "2 usage error.\n";
  return text;
}

}  // namespace mcsnoop::ctl
