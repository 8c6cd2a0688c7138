// sd_notify wrappers (notify.hpp).
#include "notify.hpp"

#include <time.h>

#include <string>

#include <systemd/sd-daemon.h>

namespace mcsnoop::app {

namespace {

void send(const std::string& text) {
  sd_notify(0, text.c_str());  // failures (no systemd) are not the switch's business
}

unsigned long long monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<unsigned long long>(ts.tv_sec) * 1'000'000ULL + static_cast<unsigned long long>(ts.tv_nsec) / 1000;
}

}  // namespace

void notify_ready(std::string_view status) {
  std::string msg = "READY=1";
  if (!status.empty()) msg += "\nSTATUS=" + std::string(status);
  send(msg);
}

void notify_reloading() { send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec())); }

void notify_stopping() { send("STOPPING=1"); }

void notify_state(std::string_view state) {
  if (state == "RELOADING") notify_reloading();
  else if (state == "READY") notify_ready("running");
}

}  // namespace mcsnoop::app
