// Issue 4 item 10, the micro view: ingest + post, re-ingest, and the raw SQLite insert of the same
// rows, per 10,000 events on a durable file (WAL, synchronous=FULL) in the system temp directory.
// The 1,000,000-event numbers and the peak RSS come from the backfill harness (backfill_main.cpp);
// docs/PERFORMANCE.md records both.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "bench/bench_engine.h"

namespace lh::bench {
namespace {

constexpr int64_t kPage = 1000;

// A fresh database file per run, removed afterwards.
class ScratchFile {
 public:
  ScratchFile()
      : path_((std::filesystem::temp_directory_path() / ("lh_bench_" + std::to_string(::getpid()) +
                                                         "_" + std::to_string(counter_++) + ".db"))
                  .string()) {}
  ~ScratchFile() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_ + suffix);
    }
  }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

void BM_IngestAndPost(benchmark::State& state) {
  const int64_t events = state.range(0);
  for (auto _ : state) {
    state.PauseTiming();
    ScratchFile file;
    {
      BenchEngine engine(file.path());
      state.ResumeTiming();
      for (int64_t first = 0; first < events; first += kPage) {
        // Page generation is the connector's work, not the host's: kept out of the timing.
        state.PauseTiming();
        core::IngestPage page = paymentPage(first, kPage);
        state.ResumeTiming();
        benchmark::DoNotOptimize(engine.ingest(std::move(page)));
      }
      state.PauseTiming();
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_IngestAndPost)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReingestUnchanged(benchmark::State& state) {
  const int64_t events = state.range(0);
  ScratchFile file;
  BenchEngine engine(file.path());
  std::vector<core::IngestPage> pages;
  for (int64_t first = 0; first < events; first += kPage) {
    engine.ingest(paymentPage(first, kPage));
    pages.push_back(paymentPage(first, kPage));
  }
  for (auto _ : state) {
    for (const core::IngestPage& page : pages) {
      const core::IngestStats stats = engine.ingest(page);
      if (stats.inserted != 0 || stats.new_versions != 0) {
        state.SkipWithError("re-ingest wrote rows");
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_ReingestUnchanged)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RawSqliteInsert(benchmark::State& state) {
  const int64_t events = state.range(0);
  for (auto _ : state) {
    ScratchFile file;
    BenchEngine engine(file.path());  // same file setup and pragmas as the host
    state.SetIterationTime(rawSqliteInsert(engine.database(), 0, events, kPage));
  }
  state.SetItemsProcessed(state.iterations() * events);
}
BENCHMARK(BM_RawSqliteInsert)->Arg(10000)->Unit(benchmark::kMillisecond)->UseManualTime();

}  // namespace
}  // namespace lh::bench

BENCHMARK_MAIN();
