#include "filters/drop.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>

#include "core/event.h"

namespace perimeter {

namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// xorshift64*: fast, and good enough to sample events; one state per thread, so no locking.
// Seeds differ per thread (a global counter) and per run (the clock).
double ThreadUniform() {
  static std::atomic<uint64_t> next_seed{
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())};
  thread_local uint64_t state = SplitMix64(next_seed.fetch_add(1, std::memory_order_relaxed)) | 1;
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  uint64_t r = state * 0x2545f4914f6cdd1dULL;
  return static_cast<double>(r >> 11) * 0x1.0p-53;  // 53 random bits in [0, 1)
}

class DropFilter : public FilterPlugin {
 public:
  static Result<std::unique_ptr<FilterPlugin>> Create(const PluginConfig& config,
                                                      std::function<double()> uniform) {
    double percentage = config.GetNumber("percentage");
    if (!(percentage >= 0 && percentage <= 100)) {
      return Status::InvalidArgument(fmt::format(
          "option 'percentage' is {}; it must be between 0 and 100 (the share of events dropped)",
          percentage));
    }
    auto f = std::make_unique<DropFilter>();
    f->fraction_ = percentage / 100.0;
    f->uniform_ = std::move(uniform);
    return std::unique_ptr<FilterPlugin>(std::move(f));
  }

  bool Filter(Event& event) override {
    // Logstash: `event.cancel if (@percentage == 100 || rand < (@percentage / 100.0))`, and
    // filter_matched either way.
    if (fraction_ >= 1.0 || (uniform_ ? uniform_() : ThreadUniform()) < fraction_) event.Cancel();
    return true;
  }

 private:
  double fraction_ = 1.0;
  std::function<double()> uniform_;  // empty: the per-thread generator
};

}  // namespace

Result<std::unique_ptr<FilterPlugin>> CreateDropFilter(const PluginConfig& config,
                                                       std::function<double()> uniform) {
  return DropFilter::Create(config, std::move(uniform));
}

const PluginSpec kDropFilter = {
    .name = "drop",
    .kind = PluginKind::kFilter,
    .help = "drops events (put it under a conditional)",
    .options =
        {
            {"percentage", OptionType::kNumber, Value(100),
             "share of events dropped, 0 to 100; the rest pass unchanged"},
        },
    .create = [](const PluginConfig& config,
                 const PluginContext&) -> Result<std::unique_ptr<Plugin>> {
      ASSIGN_OR_RETURN(auto filter, DropFilter::Create(config, nullptr));
      return std::unique_ptr<Plugin>(std::move(filter));
    },
};

}  // namespace perimeter
