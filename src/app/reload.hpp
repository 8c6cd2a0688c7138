// The configuration reload of a running switch: `mcsnoopctl reload` and SIGHUP.
//
// A reload re-reads the file the switch was started with, validates it completely (the checks
// of --check), compares it with the running configuration (config/reload_diff.hpp) and either
// applies every change without losing learned state (ControlPlane::reconfigure) or, when the
// file is invalid or changes a key that needs a restart, applies nothing and says why. The
// outcome is logged and answered as JSON (docs/control-socket.md, `reload`).
//
// Thread safety: a Reloader is used from the control lcore only (the `reload` handler and the
// SIGHUP trigger both run there). plan_reload() is a pure function.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcsnoop/config/loader.hpp"
#include "mcsnoop/config/reload_diff.hpp"
#include "mcsnoop/control/control_plane.hpp"

namespace mcsnoop::app {

struct ReloadOutcome {
  bool applied = false;
  std::vector<config::KeyChange> changes;           // applied (or that would have been)
  std::vector<config::KeyChange> restart_required;  // why it was refused, if so
  std::vector<std::string> errors;                  // one line each, naming the key path

  // {"applied": bool, "changes": [{key, old, new}], "errors": [text],
  //  "restart_required": [{key, old, new}]}
  nlohmann::json to_json() const;
};

// What a reload of `next` (the loader's result for the file) would do to `running`: refused
// with the loader's errors, refused naming each restart-required key, or applicable (applied
// stays false: the caller applies it).
ReloadOutcome plan_reload(const config::Config& running, const config::LoadResult& next);

class Reloader {
 public:
  // `notify(state)` is told "RELOADING" before and "READY" after each reload (sd_notify).
  Reloader(std::string path, config::Config running, std::array<uint8_t, 6> switch_mac,
           control::ControlPlane& control, std::function<void(std::string_view)> notify = {});

  // One reload, asked for by `trigger` ("mcsnoopctl", "SIGHUP"; for the log).
  ReloadOutcome reload(std::string_view trigger);
  const config::Config& running() const { return running_; }

 private:
  bool apply(const config::Config& next, std::string* err);

  std::string path_;
  config::Config running_;
  std::array<uint8_t, 6> switch_mac_;
  control::ControlPlane& control_;
  std::function<void(std::string_view)> notify_;
};

}  // namespace mcsnoop::app
