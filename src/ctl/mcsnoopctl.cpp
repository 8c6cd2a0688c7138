// mcsnoopctl: query a running mcsnoop switch through its control socket.
// Usage and exit codes: see usage_text() in cli.cpp and docs/control-socket.md.

#include <cstdlib>
#include <iostream>
#include <string_view>
#include <variant>
#include <vector>

#include "ctl/cli.hpp"
#include "ctl/control_client.hpp"
#include "ctl/explain.hpp"
#include "ctl/views.hpp"
#include "mcsnoop/mgmt/protocol.hpp"
#include "mcsnoop/version.hpp"

namespace {

using namespace mcsnoop;

constexpr int kExitOk = 0;
constexpr int kExitUnreachable = 1;  // also: the switch failed the request
constexpr int kExitUsage = 2;

// Generous for a table dump from a switch whose control lcore answers within milliseconds,
// short enough that a hung switch does not hang the scripts that poll it.
constexpr std::chrono::milliseconds kTimeout{2000};

// `port enable NAME`: one line saying what happened.
int run_port_enable(const ctl::Invocation& inv) {
  const nlohmann::json req = {{"command", "port enable"}, {"port", inv.port}};
  const ctl::Reply reply = ctl::request(inv.socket_path, req, kTimeout);
  if (reply.status == ctl::Reply::Status::kUnreachable) {
    std::cerr << "mcsnoopctl: cannot reach mcsnoop at " << inv.socket_path << ": " << reply.error << '\n';
    return kExitUnreachable;
  }
  if (reply.status == ctl::Reply::Status::kFailed) {
    std::cerr << "mcsnoopctl: mcsnoop at " << inv.socket_path << " failed 'port enable': " << reply.error << '\n';
    return kExitUnreachable;
  }
  if (inv.json) {
    std::cout << reply.data.dump(2) << '\n';
  } else {
    const auto shut = reply.data.find("was_shut");
    const bool was_shut = shut != reply.data.end() && shut->is_boolean() && shut->get<bool>();
    std::cout << "port " << inv.port << (was_shut ? ": enabled (BPDU guard cleared)" : ": was not shut") << '\n';
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitUnreachable;
}

// `clear groups|counters`: one line saying what was done.
int run_clear(const ctl::Invocation& inv) {
  const std::string command = "clear " + inv.topic;
  nlohmann::json req = inv.args;
  req["command"] = command;
  const ctl::Reply reply = ctl::request(inv.socket_path, req, kTimeout);
  if (reply.status == ctl::Reply::Status::kUnreachable) {
    std::cerr << "mcsnoopctl: cannot reach mcsnoop at " << inv.socket_path << ": " << reply.error << '\n';
    return kExitUnreachable;
  }
  if (reply.status == ctl::Reply::Status::kFailed) {
    std::cerr << "mcsnoopctl: mcsnoop at " << inv.socket_path << " failed '" << command << "': " << reply.error << '\n';
    return kExitUnreachable;
  }
  if (inv.json) {
    std::cout << reply.data.dump(2) << '\n';
  } else {
    std::cout << ctl::render_clear(inv.topic, reply.data);
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitUnreachable;
}

// One line per change (or error) of a reload reply; {key, old, new} objects.
void print_changes(const nlohmann::json& list, std::ostream& out, const char* prefix) {
  if (!list.is_array()) return;
  for (const nlohmann::json& c : list) {
    if (!c.is_object()) continue;
    out << prefix << c.value("key", "?") << ": " << c.value("old", "?") << " -> " << c.value("new", "?") << '\n';
  }
}

// `reload`: what changed, or why nothing did (exit 1, the switch keeps its configuration).
int run_reload(const ctl::Invocation& inv) {
  // The switch reads and validates the file and republishes what changed: more than a `show`.
  constexpr std::chrono::milliseconds kReloadTimeout{15'000};
  const ctl::Reply reply = ctl::request(inv.socket_path, nlohmann::json{{"command", "reload"}}, kReloadTimeout);
  if (reply.status == ctl::Reply::Status::kUnreachable) {
    std::cerr << "mcsnoopctl: cannot reach mcsnoop at " << inv.socket_path << ": " << reply.error << '\n';
    return kExitUnreachable;
  }
  if (reply.status == ctl::Reply::Status::kFailed) {
    std::cerr << "mcsnoopctl: mcsnoop at " << inv.socket_path << " failed 'reload': " << reply.error << '\n';
    return kExitUnreachable;
  }
  const nlohmann::json& d = reply.data;
  const bool applied = d.is_object() && d.value("applied", false);
  if (inv.json) {
    std::cout << d.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else if (applied) {
    const nlohmann::json changes = d.value("changes", nlohmann::json::array());
    if (changes.empty()) std::cout << "reload: applied, nothing changed\n";
    else std::cout << "reload: applied " << changes.size() << (changes.size() == 1 ? " change\n" : " changes\n");
    print_changes(changes, std::cout, "  ");
  } else {
    std::cerr << "reload: refused, the running configuration is kept\n";
    const nlohmann::json errors = d.is_object() ? d.value("errors", nlohmann::json::array()) : nlohmann::json();
    if (errors.is_array()) {
      for (const nlohmann::json& e : errors) {
        if (e.is_string()) std::cerr << "  " << e.get<std::string>() << '\n';
      }
    }
  }
  std::cout.flush();
  if (!applied) return kExitUnreachable;  // contract: 1 when refused
  return std::cout ? kExitOk : kExitUnreachable;
}

// `explain ...`: the data plane's decision for such a frame, as a summary and a port table.
int run_explain(const ctl::Invocation& inv) {
  const ctl::Reply reply = ctl::request(inv.socket_path, ctl::explain_request(inv.explain), kTimeout);
  if (reply.status == ctl::Reply::Status::kUnreachable) {
    std::cerr << "mcsnoopctl: cannot reach mcsnoop at " << inv.socket_path << ": " << reply.error << '\n';
    return kExitUnreachable;
  }
  if (reply.status == ctl::Reply::Status::kFailed) {
    std::cerr << "mcsnoopctl: mcsnoop at " << inv.socket_path << " refused: " << reply.error << '\n';
    return kExitUnreachable;
  }
  if (inv.json) {
    std::cout << reply.data.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    try {
      std::cout << ctl::render_explain(reply.data);
    } catch (const ctl::ReplyShapeError& e) {
      std::cerr << "mcsnoopctl: unexpected reply from mcsnoop: " << e.what() << " (try --json)\n";
      return kExitUnreachable;
    }
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitUnreachable;
}

int run(const ctl::Invocation& inv) {
  if (inv.action == ctl::Invocation::Action::kPortEnable) return run_port_enable(inv);
  if (inv.action == ctl::Invocation::Action::kClear) return run_clear(inv);
  if (inv.action == ctl::Invocation::Action::kExplain) return run_explain(inv);
  if (inv.action == ctl::Invocation::Action::kReload) return run_reload(inv);
  const ctl::View& view = *ctl::find_view(inv.topic);
  nlohmann::json req = inv.args;
  req["command"] = view.command;
  const ctl::Reply reply = ctl::request(inv.socket_path, req, kTimeout);
  switch (reply.status) {
    case ctl::Reply::Status::kUnreachable:
      std::cerr << "mcsnoopctl: cannot reach mcsnoop at " << inv.socket_path << ": " << reply.error
                << '\n';
      return kExitUnreachable;
    case ctl::Reply::Status::kFailed:
      std::cerr << "mcsnoopctl: mcsnoop at " << inv.socket_path << " failed '" << view.command
                << "': " << reply.error << '\n';
      return kExitUnreachable;
    case ctl::Reply::Status::kOk:
      break;
  }
  if (inv.json) {
    std::cout << reply.data.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    try {
      // An empty detail answer has no rows to tell the form by: the request does.
      const bool detail = inv.topic == "groups" && inv.args.contains("detail");
      std::cout << (detail ? ctl::render_group_detail(reply.data) : view.render(reply.data));
    } catch (const ctl::ReplyShapeError& e) {
      std::cerr << "mcsnoopctl: unexpected reply from mcsnoop: " << e.what()
                << " (try --json)\n";
      return kExitUnreachable;
    }
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitUnreachable;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + std::min(argc, 1), argv + argc);
  // Before the command line proper: `mcsnoopctl --version` needs no switch and no socket.
  if (args.size() == 1 && args[0] == "--version") {
    std::cout << "mcsnoopctl " << kVersion << '\n';
    return kExitOk;
  }
  const char* env_socket = std::getenv(std::string(mgmt::kSocketEnvVar).c_str());
  const auto parsed = ctl::parse_command_line(args, env_socket);

  if (const auto* usage = std::get_if<ctl::UsageError>(&parsed)) {
    std::cerr << "mcsnoopctl: " << usage->message << '\n'
              << ctl::usage_synopsis() << "Try 'mcsnoopctl --help' for more information.\n";
    return kExitUsage;
  }
  const auto& inv = std::get<ctl::Invocation>(parsed);
  if (inv.action == ctl::Invocation::Action::kHelp) {
    std::cout << ctl::usage_text();
    return kExitOk;
  }
  return run(inv);
}
