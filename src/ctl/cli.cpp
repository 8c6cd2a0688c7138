#include "ctl/cli.hpp"

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

// `show TOPIC`: the topic must name a view.
std::optional<UsageError> parse_show(const std::vector<std::string_view>& words, Invocation& inv) {
  if (words.size() < 2) return UsageError{"show what? (" + topic_list(", ") + ")"};
  if (find_view(words[1]) == nullptr) {
    return UsageError{"cannot show '" + std::string(words[1]) + "' (try " + topic_list(", ") + ")"};
  }
  if (words.size() > 2) return UsageError{"unexpected argument '" + std::string(words[2]) + "'"};
  inv.topic = words[1];
  return std::nullopt;
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
  return "Usage: mcsnoopctl [-s SOCKET] show " + topic_list("|") + " [--json]\n"
         "       mcsnoopctl [-s SOCKET] port enable NAME [--json]\n"
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
  text += "  port enable NAME  reopen a port BPDU guard has shut\n";
  text += "  reload            re-read the configuration file (as SIGHUP); exit 1 if refused\n";
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
