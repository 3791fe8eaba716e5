// Copyright (c) atoms-cpp authors. SPDX-License-Identifier: BSL-1.0
#ifndef SMALLEST_ATOMS_TESTING_DETAIL_RNG_HPP
#define SMALLEST_ATOMS_TESTING_DETAIL_RNG_HPP

// The emulator's random numbers: its synthetic calls and its webhook delivery faults draw
// from seeds, so a test sees the same data and the same faults on every run.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace smallest::atoms::testing::detail {

// splitmix64: tiny, fast, and the same on every platform (std:: distributions are not).
class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}

  // rng(r.state()) draws what r would draw next.
  std::uint64_t state() const noexcept { return state_; }

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(next() % v.size())];
  }
  std::string hex(std::size_t digits) {
    static constexpr char alphabet[] = "0123456789abcdef";
    std::string s;
    while (s.size() < digits) {
      std::uint64_t bits = next();
      for (int i = 0; i < 16 && s.size() < digits; ++i, bits >>= 4) s += alphabet[bits & 0xf];
    }
    return s;
  }

 private:
  std::uint64_t state_;
};

}  // namespace smallest::atoms::testing::detail

#endif
