// One fuzz input through everything in `net` that reads untrusted bytes: the frame classifier,
// the Ethernet parser, the control decoders, plus round-trip invariants that trap on violation.
// Shared by the libFuzzer target (clang) and the corpus replay test (any compiler).
#pragma once

#include <cstddef>
#include <cstdint>

namespace mcsnoop::net::fuzz {

void run_one_input(const uint8_t* data, size_t size);

}  // namespace mcsnoop::net::fuzz
