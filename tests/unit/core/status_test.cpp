#include "core/status.h"

#include <gtest/gtest.h>

namespace lh {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.isOk());
  EXPECT_EQ(s.toString(), "ok");
}

TEST(StatusTest, CodeNamesAndRetryMeaning) {
  EXPECT_EQ(codeName(Code::RateLimited), "rate_limited");
  EXPECT_TRUE(isRetryable(Code::Transient));
  EXPECT_TRUE(isRetryable(Code::RateLimited));
  EXPECT_FALSE(isRetryable(Code::Permanent));
  EXPECT_FALSE(isRetryable(Code::Conflict));
}

TEST(StatusTest, UnknownRawCodesReadAsInternal) {
  EXPECT_EQ(codeFromInt(4), Code::RateLimited);
  EXPECT_EQ(codeFromInt(42), Code::Internal);
  EXPECT_EQ(codeFromInt(-1), Code::Internal);
}

TEST(StatusTest, WithContextPrefixesTheMessage) {
  Status s = permanent("no such customer").withContext("qbo");
  EXPECT_EQ(s.code(), Code::Permanent);
  EXPECT_EQ(s.toString(), "permanent: qbo: no such customer");
  EXPECT_TRUE(Status::ok().withContext("x").isOk());
}

Result<int> half(int x) {
  if (x % 2 != 0) {
    return invalidArgument("odd");
  }
  return x / 2;
}

Status quarter(int x, int* out) {
  LH_ASSIGN_OR_RETURN(int h, half(x));
  LH_ASSIGN_OR_RETURN(*out, half(h));
  return Status::ok();
}

TEST(ResultTest, ValueOrError) {
  EXPECT_EQ(half(4).value(), 2);
  EXPECT_EQ(half(3).status().code(), Code::InvalidArgument);
  int q = 0;
  EXPECT_TRUE(quarter(8, &q).isOk());
  EXPECT_EQ(q, 2);
  EXPECT_EQ(quarter(6, &q).code(), Code::InvalidArgument);
}

TEST(ResultTest, OkStatusWithoutValueIsAnInternalError) {
  Result<int> r(Status::ok());
  EXPECT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), Code::Internal);
}

}  // namespace
}  // namespace lh
