// Reloading the configuration file of a running switch (reload.hpp).
#include "reload.hpp"

#include <spdlog/spdlog.h>

#include "wiring.hpp"

namespace mcsnoop::app {

namespace {

nlohmann::json changes_json(const std::vector<config::KeyChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const config::KeyChange& c : changes) out.push_back({{"key", c.path}, {"old", c.before}, {"new", c.after}});
  return out;
}

spdlog::level::level_enum spdlog_level(config::LogLevel l) {
  switch (l) {
    case config::LogLevel::Trace: return spdlog::level::trace;
    case config::LogLevel::Debug: return spdlog::level::debug;
    case config::LogLevel::Info: return spdlog::level::info;
    case config::LogLevel::Warn: return spdlog::level::warn;
    case config::LogLevel::Error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

nlohmann::json ReloadOutcome::to_json() const {
  return {{"applied", applied},
          {"changes", changes_json(changes)},
          {"errors", errors},
          {"restart_required", changes_json(restart_required)}};
}

ReloadOutcome plan_reload(const config::Config& running, const config::LoadResult& next) {
  ReloadOutcome out;
  if (!next.ok()) {
    for (const config::Error& e : next.errors) out.errors.push_back(e.to_string());
    return out;
  }
  config::ReloadDiff diff = config::diff_for_reload(running, *next.config);
  for (const config::KeyChange& c : diff.restart_required) {
    out.errors.push_back(c.path + ": changed (" + c.before + " -> " + c.after +
                         "), which needs a restart; nothing of the file was applied");
  }
  out.changes = std::move(diff.changes);
  out.restart_required = std::move(diff.restart_required);
  return out;
}

Reloader::Reloader(std::string path, config::Config running, std::array<uint8_t, 6> switch_mac,
                   control::ControlPlane& control, std::function<void(std::string_view)> notify)
    : path_(std::move(path)),
      running_(std::move(running)),
      switch_mac_(switch_mac),
      control_(control),
      notify_(std::move(notify)) {}

bool Reloader::apply(const config::Config& next, std::string* err) {
  if (!control_.reconfigure(make_engine_config(next, switch_mac_), make_switch_spec(next), err)) return false;
  spdlog::set_level(spdlog_level(next.logging.level));
  return true;
}

ReloadOutcome Reloader::reload(std::string_view trigger) {
  if (notify_) notify_("RELOADING");
  config::LoadResult loaded = config::load_file(path_);
  ReloadOutcome out = plan_reload(running_, loaded);
  if (out.errors.empty()) {
    std::string err;
    if (apply(*loaded.config, &err)) {
      out.applied = true;
      running_ = std::move(*loaded.config);
    } else {
      out.errors.push_back(err);
    }
  }
  if (out.applied) {
    spdlog::info("reload ({}) of {}: applied, {} change{}", trigger, path_, out.changes.size(),
                 out.changes.size() == 1 ? "" : "s");
    for (const config::KeyChange& c : out.changes) spdlog::info("reload: {}", c.to_string());
  } else {
    spdlog::warn("reload ({}) of {}: refused, the running configuration is kept", trigger, path_);
    for (const std::string& e : out.errors) spdlog::warn("reload: {}", e);
  }
  for (const config::Error& w : loaded.warnings) spdlog::warn("reload: warning: {}", w.to_string());
  if (notify_) notify_("READY");
  return out;
}

}  // namespace mcsnoop::app
