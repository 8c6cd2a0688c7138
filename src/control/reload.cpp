// Live reload on the control lcore (control_plane.hpp, "live reload"): the engine's and the
// data plane's run-time settings replaced without losing learned state, and the two ways a
// reload is asked for (the `reload` command, SIGHUP's flag).
#include <spdlog/spdlog.h>

#include "mcsnoop/control/control_plane.hpp"

namespace mcsnoop::control {

bool ControlPlane::reconfigure(const snoop::EngineConfig& engine, const dataplane::SwitchSpec& spec,
                               std::string* err) {
  if (spec.ports.size() != port_count()) {
    if (err) *err = "the ports differ from the running switch's";
    return false;
  }
  actions_.clear();
  // The ports' MTUs first: the one part a device may refuse, all or none (nothing else has
  // changed yet when it does).
  const dataplane::SwitchSpec before = sw_.spec;
  if (sw_.set_mtus && !sw_.set_mtus(spec, err)) return false;
  // The engine checks ports, VLANs and members before it changes anything.
  if (!engine_.reconfigure(engine, snoop::Ms(now_ms_), actions_)) {
    if (err) *err = "the ports, VLANs or VLAN members differ from the running switch's";
    if (sw_.set_mtus) sw_.set_mtus(before, nullptr);
    return false;
  }
  refresh_frame_limits();
  // Data plane first: a VLAN whose snooping was turned on punts its reports from now on, and
  // the engine's sets (applied next) are already those of the new settings.
  sw_.reconfigure(spec);
  bridge_.set_move_limit(spec.mac_move_limit);
  solicit_vlans_ = solicit_vlans(engine);
  apply(actions_, nullptr);
  sw_.tx.flush();
  return true;
}

void ControlPlane::set_reload_handler(mgmt::ControlServer::Handler handler) {
  server_.on("reload", std::move(handler));
}

void ControlPlane::set_reload_trigger(std::atomic<bool>* flag, std::function<void()> on_request) {
  reload_flag_ = flag;
  reload_on_flag_ = std::move(on_request);
}

unsigned ControlPlane::check_reload_trigger() {
  // A plain load on every pass; the exchange only when a signal came, so none is lost.
  if (reload_flag_ == nullptr || !reload_flag_->load(std::memory_order_relaxed)) return 0;
  if (!reload_flag_->exchange(false, std::memory_order_acq_rel)) return 0;
  if (reload_on_flag_) reload_on_flag_();
  return 1;
}

}  // namespace mcsnoop::control
