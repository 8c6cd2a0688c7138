// systemd readiness notification (sd_notify(3)) for `Type=notify` units.
//
// Without NOTIFY_SOCKET in the environment (not started by systemd) every call does nothing.
//
// Thread safety: the calls may come from any thread; each is one datagram.
#pragma once

#include <string_view>

namespace mcsnoop::app {

// READY=1: every port is started and the control socket accepts connections (also after a
// reload). `status` goes along as STATUS=.
void notify_ready(std::string_view status);
// RELOADING=1 with MONOTONIC_USEC (systemd 253 matches it with the reload it started).
void notify_reloading();
// STOPPING=1: the switch is shutting down.
void notify_stopping();
// "READY" or "RELOADING" (Reloader's notify callback).
void notify_state(std::string_view state);

}  // namespace mcsnoop::app
