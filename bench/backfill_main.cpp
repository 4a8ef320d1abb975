// Issue 4 item 10, the end-to-end view: a backfill of N events (default 1,000,000) streamed page by
// page through the host's Ingestor and posting hook into a durable SQLite file, then the same N
// events again, then the raw SQLite insert of the same rows into a fresh file. Prints one line per
// phase and the peak RSS. Events are generated page by page, never all in memory, as a connector
// streams them. Making a page is never timed (the connector's work, not the host's or SQLite's).
//
//   lh_backfill [--events N] [--page P] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "bench/bench_engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void removeDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int64_t events = 1000000;
  int64_t page = 1000;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--events") {
      events = std::atoll(argv[i + 1]);
    } else if (flag == "--page") {
      page = std::atoll(argv[i + 1]);
    } else if (flag == "--dir") {
      dir = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: lh_backfill [--events N] [--page P] [--dir DIR]\n");
      return 2;
    }
  }
  if (events <= 0 || page <= 0) {
    std::fprintf(stderr, "lh_backfill: --events and --page must be positive\n");
    return 2;
  }
  const std::string hostDb = dir + "/lh_backfill_host.db";
  const std::string rawDb = dir + "/lh_backfill_raw.db";
  removeDb(hostDb);
  removeDb(rawDb);

  double ingestRate = 0;
  {
    lh::bench::BenchEngine engine(hostDb);
    int64_t inserted = 0;
    double s = 0;  // host time only: generating a page is the connector's work
    for (int64_t first = 0; first < events; first += page) {
      lh::core::IngestPage next = lh::bench::paymentPage(first, std::min(page, events - first));
      const auto start = Clock::now();
      inserted += engine.ingest(std::move(next)).inserted;
      s += secondsSince(start);
    }
    ingestRate = static_cast<double>(events) / s;
    std::printf("ingest+post  %lld events in %.2f s = %.0f events/s (%lld inserted)\n",
                static_cast<long long>(events), s, ingestRate, static_cast<long long>(inserted));

    int64_t written = 0;
    double s2 = 0;
    for (int64_t first = 0; first < events; first += page) {
      lh::core::IngestPage next = lh::bench::paymentPage(first, std::min(page, events - first));
      const auto start = Clock::now();
      const lh::core::IngestStats stats = engine.ingest(std::move(next));
      s2 += secondsSince(start);
      written += stats.inserted + stats.new_versions;
    }
    std::printf("re-ingest    %lld events in %.2f s = %.0f events/s (%lld new rows)\n",
                static_cast<long long>(events), s2, static_cast<double>(events) / s2,
                static_cast<long long>(written));
  }
  {
    lh::bench::BenchEngine engine(rawDb);
    const double s = lh::bench::rawSqliteInsert(engine.database(), 0, events, page);
    const double rawRate = static_cast<double>(events) / s;
    std::printf(
        "raw sqlite   %lld rows in %.2f s = %.0f rows/s; ingest+post / "
        "raw = %.2f\n",
        static_cast<long long>(events), s, rawRate, ingestRate / rawRate);
  }
  std::printf("peak RSS     %.1f MiB\n", lh::bench::peakRssMiB());
  removeDb(hostDb);
  removeDb(rawDb);
  return 0;
}
