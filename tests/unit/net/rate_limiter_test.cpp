#include "net/rate_limiter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "net/manual_clock.h"
#include "net/system_clock.h"

namespace lh::net {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

RateLimiter::Options qboLimits() {
  RateLimiter::Options options;
  options.requests = WindowLimit{500, milliseconds(60'000)};
  options.classes["batch"] = WindowLimit{40, milliseconds(60'000)};
  options.maxInFlight = 10;
  return options;
}

// Asserts that no interval of length `window` holds more than `limit` of `grants` (sorted).
void expectNeverMoreThan(const std::vector<SteadyTime>& grants, size_t limit, milliseconds window) {
  for (size_t i = 0; i + limit < grants.size(); ++i) {
    // grants[i] .. grants[i + limit] are limit + 1 grants: they must span at least `window`.
    ASSERT_GE(grants[i + limit] - grants[i], window) << "grants " << i << ".." << i + limit;
  }
}

TEST(RateLimiterTest, ABurstNeverExceedsFiveHundredPerMinuteAndTakesTheShortestTimeAllowed) {
  ManualClock clock;
  RateLimiter limiter(qboLimits(), clock, clock);
  const SteadyTime start = clock.steadyNow();
  std::vector<SteadyTime> grants;
  for (int i = 0; i < 1750; ++i) {
    auto permit = limiter.acquire("realm-1");
    ASSERT_TRUE(permit.isOk()) << permit.status();
    grants.push_back(clock.steadyNow());
  }
  expectNeverMoreThan(grants, 500, milliseconds(60'000));
  // 500 at once, then 500 more a minute later, and so on: the 1750th goes out at 3 minutes.
  EXPECT_EQ(grants[499] - start, milliseconds(0));
  EXPECT_EQ(grants[500] - start, milliseconds(60'000));
  EXPECT_EQ(grants.back() - start, milliseconds(180'000));
}

TEST(RateLimiterTest, BatchRequestsHaveTheirOwnWindowOnTopOfTheGeneralOne) {
  ManualClock clock;
  RateLimiter limiter(qboLimits(), clock, clock);
  std::vector<SteadyTime> all;
  std::vector<SteadyTime> batches;
  // Every fifth request is a batch call.
  for (int i = 0; i < 1000; ++i) {
    const bool batch = i % 5 == 0;
    auto permit = limiter.acquire("realm-1", batch ? "batch" : "");
    ASSERT_TRUE(permit.isOk()) << permit.status();
    all.push_back(clock.steadyNow());
    if (batch) {
      batches.push_back(clock.steadyNow());
    }
  }
  expectNeverMoreThan(all, 500, milliseconds(60'000));
  expectNeverMoreThan(batches, 40, milliseconds(60'000));
  // 200 batch calls at 40 a minute need at least 4 minutes after the first.
  EXPECT_GE(batches.back() - batches.front(), milliseconds(4 * 60'000));
}

TEST(RateLimiterTest, KeysAreIndependent) {
  ManualClock clock;
  RateLimiter::Options options;
  options.requests = WindowLimit{2, milliseconds(1000)};
  RateLimiter limiter(options, clock, clock);
  ASSERT_TRUE(limiter.tryAcquire("realm-1").isOk());
  ASSERT_TRUE(limiter.tryAcquire("realm-1").isOk());
  EXPECT_EQ(limiter.tryAcquire("realm-1").status().code(), Code::RateLimited);
  EXPECT_TRUE(limiter.tryAcquire("realm-2").isOk());
}

TEST(RateLimiterTest, TryAcquireRefusesWithTheWaitAndRecordsNothing) {
  ManualClock clock;
  RateLimiter::Options options;
  options.requests = WindowLimit{1, milliseconds(1000)};
  RateLimiter limiter(options, clock, clock);
  ASSERT_TRUE(limiter.tryAcquire("k").isOk());
  clock.advance(milliseconds(400));
  auto refused = limiter.tryAcquire("k");
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), Code::RateLimited);
  EXPECT_THAT(refused.status().message(), HasSubstr("600 ms"));
  EXPECT_EQ(limiter.waitTime("k"), milliseconds(600));
  clock.advance(milliseconds(600));
  EXPECT_TRUE(limiter.tryAcquire("k").isOk());
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(RateLimiterTest, MaxWaitBoundsTheWait) {
  ManualClock clock;
  RateLimiter::Options options;
  options.requests = WindowLimit{1, milliseconds(10'000)};
  RateLimiter limiter(options, clock, clock);
  ASSERT_TRUE(limiter.acquire("k").isOk());
  EXPECT_EQ(limiter.acquire("k", {}, milliseconds(5000)).status().code(), Code::RateLimited);
  EXPECT_TRUE(clock.sleeps().empty());
  ASSERT_TRUE(limiter.acquire("k", {}, milliseconds(10'000)).isOk());
  EXPECT_EQ(clock.totalSlept(), milliseconds(10'000));
}

TEST(RateLimiterTest, PauseHoldsEveryRequestOfTheKey) {
  ManualClock clock;
  RateLimiter limiter(RateLimiter::Options{}, clock, clock);
  limiter.pauseUntil("realm-1", clock.steadyNow() + milliseconds(3000));
  limiter.pauseUntil("realm-1", clock.steadyNow() + milliseconds(1000));  // earlier: ignored
  EXPECT_EQ(limiter.tryAcquire("realm-1").status().code(), Code::RateLimited);
  EXPECT_TRUE(limiter.tryAcquire("realm-2").isOk());
  ASSERT_TRUE(limiter.acquire("realm-1").isOk());
  EXPECT_EQ(clock.totalSlept(), milliseconds(3000));
}

TEST(RateLimiterTest, InFlightSlotsAreHeldByPermitsAndFreedOnRelease) {
  ManualClock clock;
  RateLimiter::Options options;
  options.maxInFlight = 2;
  RateLimiter limiter(options, clock, clock);
  auto a = limiter.tryAcquire("k");
  auto b = limiter.tryAcquire("k");
  ASSERT_TRUE(a.isOk());
  ASSERT_TRUE(b.isOk());
  EXPECT_EQ(limiter.inFlight("k"), 2);
  auto c = limiter.tryAcquire("k");
  ASSERT_FALSE(c.isOk());
  EXPECT_THAT(c.status().message(), HasSubstr("in flight"));
  a->release();
  EXPECT_EQ(limiter.inFlight("k"), 1);
  {
    auto d = limiter.tryAcquire("k");
    ASSERT_TRUE(d.isOk());
    RateLimiter::Permit moved = std::move(d).value();
    EXPECT_EQ(limiter.inFlight("k"), 2);
  }
  EXPECT_EQ(limiter.inFlight("k"), 1);
}

TEST(RateLimiterTest, ARefusedWindowWaitGivesTheInFlightSlotBack) {
  ManualClock clock;
  RateLimiter::Options options;
  options.requests = WindowLimit{1, milliseconds(1000)};
  options.maxInFlight = 1;
  RateLimiter limiter(options, clock, clock);
  {
    auto first = limiter.tryAcquire("k");
    ASSERT_TRUE(first.isOk());
  }
  EXPECT_FALSE(limiter.tryAcquire("k").isOk());
  EXPECT_EQ(limiter.inFlight("k"), 0);
}

TEST(RateLimiterTest, InFlightCapHoldsWithRealThreads) {
  RateLimiter::Options options;
  options.maxInFlight = 10;
  RateLimiter limiter(options, SystemClock::instance(), SystemClock::instance());
  std::atomic<int> inside{0};
  std::atomic<int> maxInside{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 32; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto permit = limiter.acquire("realm-1");
        ASSERT_TRUE(permit.isOk());
        const int now = ++inside;
        int seen = maxInside.load();
        while (now > seen && !maxInside.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(milliseconds(2));
        --inside;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_LE(maxInside.load(), 10);
  EXPECT_GE(maxInside.load(), 2);  // the cap was reached for real, not serialised
  EXPECT_EQ(limiter.inFlight("realm-1"), 0);
}

TEST(RateLimiterTest, ValidateNamesTheBadLimit) {
  RateLimiter::Options options;
  options.classes["batch"] = WindowLimit{0, milliseconds(60'000)};
  Status s = RateLimiter::validate(options);
  EXPECT_EQ(s.code(), Code::InvalidConfig);
  EXPECT_THAT(s.message(), HasSubstr("batch"));
  options.classes["batch"] = WindowLimit{40, milliseconds(0)};
  EXPECT_EQ(RateLimiter::validate(options).code(), Code::InvalidConfig);
  options.classes.clear();
  options.maxInFlight = -1;
  EXPECT_EQ(RateLimiter::validate(options).code(), Code::InvalidConfig);
  EXPECT_TRUE(RateLimiter::validate(qboLimits()).isOk());
}

}  // namespace
}  // namespace lh::net
