// libFuzzer entry point (clang only): see fuzz_net_body.hpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_net_body.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mcsnoop::net::fuzz::run_one_input(data, size);
  return 0;
}
