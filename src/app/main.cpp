// mcsnoop: an L2 switch on DPDK with IGMP/MLD snooping (RFC 4541).
//
//   mcsnoop -c CONFIG.yaml [--check] [-- EAL args...]   (options.hpp; mcsnoop(8))
//
// Exit codes: 0 clean stop (SIGINT/SIGTERM) or valid config with --check; 1 runtime failure;
// 2 invalid config or usage.
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <spdlog/spdlog.h>

#include "capture.hpp"
#include "eal_devices.hpp"
#include "logging.hpp"
#include "notify.hpp"
#include "reload.hpp"
#include "mcsnoop/version.hpp"
#include "mcsnoop/app/switch.hpp"
#include "options.hpp"
#include "mcsnoop/config/loader.hpp"
#include "mcsnoop/control/control_plane.hpp"
#include "wiring.hpp"

namespace {

std::atomic<bool> g_stop{false};
// SIGHUP: the control lcore reloads the configuration (ControlPlane::set_reload_trigger).
std::atomic<bool> g_reload{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

void on_signal(int) { g_stop.store(true); }
void on_hangup(int) { g_reload.store(true); }

struct ControlLaunch {
  mcsnoop::control::ControlPlane* control;
};

int control_lcore_main(void* arg) {
  static_cast<ControlLaunch*>(arg)->control->run(g_stop);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mcsnoop;
  const app::ParsedOptions parsed = app::parse_options(argc, argv);
  std::fputs(parsed.out.c_str(), stdout);
  std::fputs(parsed.err.c_str(), stderr);
  if (parsed.exit_code != app::ParsedOptions::kContinue) return parsed.exit_code;
  const app::Options& args = parsed.options;

  config::LoadResult loaded = config::load_file(args.config);
  for (const auto& w : loaded.warnings) std::fprintf(stderr, "warning: %s\n", w.to_string().c_str());
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 2;
  }
  const config::Config& cfg = *loaded.config;
  if (args.check) {
    std::printf("%s: configuration is valid (%zu ports, %zu VLANs)\n", args.config.c_str(),
                cfg.ports.size(), cfg.vlans.size());
    return 0;
  }

  std::string err;
  if (!app::setup_logging(cfg.logging.level, cfg.logging.file, &err)) {
    std::fprintf(stderr, "mcsnoop: %s\n", err.c_str());
    return 2;
  }
  app::route_dpdk_log();
  std::error_code ec;  // the absolute path, so that the log says which file whatever the cwd was
  const std::filesystem::path config_path = std::filesystem::absolute(args.config, ec);
  spdlog::info("mcsnoop {} starting: configuration {}", kVersion, ec ? args.config : config_path.string());

  spdlog::info("{}", app::eal_device_args(cfg, args.eal_extra).note);
  std::vector<std::string> eal = app::make_eal_args(cfg, argv[0], args.eal_extra);
  std::vector<char*> eal_argv;
  for (auto& s : eal) eal_argv.push_back(s.data());
  eal_argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(eal.size()), eal_argv.data()) < 0) {
    spdlog::error("EAL initialisation failed: {} (dpdk.eal_args)", rte_strerror(rte_errno));
    return 1;
  }
  app::start_packet_capture(eal);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGHUP, on_hangup);  // before this, SIGHUP's default action ends the process

  int rc = 0;
  {
    // The switch owns ports, pools, rings, tables and the RCU domain; the workers get them from
    // it, the control plane gets handles to what it may use.
    std::unique_ptr<app::Switch> sw = app::Switch::create(app::make_switch_spec(cfg), &err);
    if (!sw) {
      spdlog::error("{}", err);
      rte_eal_cleanup();
      return 1;
    }
    std::array<uint8_t, 6> mac{};
    std::memcpy(mac.data(), sw->port_info(0).mac, 6);
    control::ControlPlane control(sw->control_handles(), app::make_engine_config(cfg, mac));
    {
      std::error_code ec;  // show version: the config path as given when it cannot be resolved
      const std::filesystem::path abs = std::filesystem::absolute(args.config, ec);
      control.set_run_info(mcsnoop::kVersion, ec ? args.config : abs.string());
    }
    // Live reload: `mcsnoopctl reload` and SIGHUP, both on the control lcore.
    app::Reloader reloader(args.config, cfg, mac, control, app::notify_state);
    // Both reopen logging.file first (logrotate), then reload.
    auto reload = [&reloader](const char* trigger) {
      if (std::string why; !app::reopen_logs(&why)) spdlog::warn("{}: logging.file: {}", trigger, why);
      return reloader.reload(trigger);
    };
    control.set_reload_handler([reload](const nlohmann::json&) { return reload("mcsnoopctl").to_json(); });
    control.set_reload_trigger(&g_reload, [reload] { reload("SIGHUP"); });
    if (!control.start(cfg.control.socket, &err)) {
      spdlog::error("control.socket: {}", err);
      sw.reset();
      rte_eal_cleanup();
      return 1;
    }
    if (const auto& m = cfg.control.metrics_listen) {
      if (!control.open_metrics(m->host, m->port, &err)) {
        spdlog::error("control.metrics.listen: {}", err);
        sw.reset();
        rte_eal_cleanup();
        return 1;
      }
      spdlog::info("metrics: http://{}/metrics", m->to_string());
    }
    if (!sw->launch(&err)) {
      spdlog::error("{}", err);
      rc = 1;
    } else {
      for (PortId p = 0; p < sw->port_count(); ++p) {
        const auto& pi = sw->port_info(p);
        spdlog::info("port {}: {} (ethdev {}, {} rx / {} tx queues{})", pi.name, cfg.ports[p].device,
                     pi.dpdk_port, pi.rx_queues, pi.tx_queues,
                     pi.control_queue ? "" : cfg.cores.split() ? ", control frames via TX lcore 0"
                                                                : ", control frames via worker 0");
      }
      spdlog::info("mcsnoop ready: {} ports, {} VLANs, control socket {}", sw->port_count(), cfg.vlans.size(),
                   cfg.control.socket);
      app::notify_ready("running");
      if (cfg.cores.control == rte_lcore_id()) {
        control.run(g_stop);
      } else {
        ControlLaunch cl{&control};
        if (rte_eal_remote_launch(control_lcore_main, &cl, cfg.cores.control) != 0) {
          spdlog::error("cores.control: cannot launch on lcore {}", cfg.cores.control);
          g_stop.store(true);
          rc = 1;
        } else {
          while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
          rte_eal_wait_lcore(cfg.cores.control);
        }
      }
    }
    app::notify_stopping();
    spdlog::info("stopping");
    sw->shutdown();
    const unsigned in_use = sw->mbufs_in_use();
    if (in_use != 0) spdlog::warn("{} mbufs still in use at exit", in_use);
    else spdlog::info("stopped cleanly: all mbufs returned");
    control.server().close();
  }
  app::stop_packet_capture();
  rte_eal_cleanup();
  return rc;
}
