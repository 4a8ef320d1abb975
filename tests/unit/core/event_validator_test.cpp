#include "core/event_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace lh::core {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// The example of docs/events.md.
constexpr std::string_view kPayment = R"({
  "type": "payment",
  "external_id": "txn_1QAsmblChg00000000000001",
  "occurred_at": "2026-01-01T00:00:00Z",
  "status": "available",
  "amount": {"minor": 10000, "currency": "USD"},
  "fee": {"minor": 320, "currency": "USD"},
  "net": {"minor": 9680, "currency": "USD"},
  "fees": [{"type": "stripe_fee", "amount": {"minor": 320, "currency": "USD"}}],
  "links": {"charge": "ch_1QAsmblChg00000000000001", "payout": "po_1Pgc79B7WZ01zgkWu1KToYf4"},
  "dates": {"available_on": "2026-01-03T00:00:00Z"},
  "raw": {"id": "txn_1QAsmblChg00000000000001", "object": "balance_transaction", "amount": 10000}
})";

// One valid event of every type, shaped as docs/events.md "The ten types" describes them.
const std::vector<std::pair<EventType, std::string>>& tenTypes() {
  static const std::vector<std::pair<EventType, std::string>> kEvents = {
      {EventType::Payment, std::string(kPayment)},
      {EventType::Refund,
       R"({"type":"refund","external_id":"txn_re_1","occurred_at":"2026-01-02T10:00:00+01:00",
           "amount":{"minor":2500,"currency":"EUR"},"fee":{"minor":0,"currency":"EUR"},
           "net":{"minor":2500,"currency":"EUR"},"links":{"original":"ch_1","payout":"po_1"},
           "raw":{"id":"re_1"}})"},
      {EventType::Fee,
       R"({"type":"fee","external_id":"txn_fee_1","occurred_at":"2026-01-31T23:59:59.999Z",
           "amount":{"minor":1500,"currency":"USD"},
           "fees":[{"type":"gateway","amount":{"minor":1000,"currency":"USD"}},
                   {"type":"tax","amount":{"minor":500,"currency":"USD"}}],
           "raw":{"id":"fee_1"}})"},
      {EventType::Payout,
       R"({"type":"payout","external_id":"po_1","occurred_at":"2026-01-03T00:00:00Z",
           "status":"paid","reference":"TRACE123","amount":{"minor":9680,"currency":"USD"},
           "dates":{"arrival_date":"2026-01-05"},"raw":{"id":"po_1","object":"payout"}})"},
      {EventType::Adjustment,
       R"({"type":"adjustment","external_id":"adj_1","occurred_at":"2026-01-04T00:00:00Z",
           "amount":{"minor":-1200,"currency":"GBP"},"net":{"minor":-1200,"currency":"GBP"},
           "raw":{"id":"adj_1"}})"},
      {EventType::Dispute,
       R"({"type":"dispute","external_id":"dp_1","occurred_at":"2026-01-06T00:00:00Z",
           "status":"lost","amount":{"minor":10000,"currency":"USD"},
           "fee":{"minor":1500,"currency":"USD"},"net":{"minor":11500,"currency":"USD"},
           "links":{"charge":"ch_1"},"raw":{"id":"dp_1"}})"},
      {EventType::Invoice,
       R"({"type":"invoice","external_id":"in_1","occurred_at":"2026-02-01T00:00:00Z",
           "status":"paid","amount":{"minor":11000,"currency":"KWD"},
           "tax":{"minor":1000,"currency":"KWD"},
           "lines":[{"id":"il_1","description":"Seat","amount":{"minor":10000,"currency":"KWD"},
                     "quantity":2,"period_start":"2026-02-01","period_end":"2026-02-28"}],
           "dates":{"invoice_date":"2026-02-01","due_date":"2026-03-03",
                    "period_start":"2026-02-01","period_end":"2026-02-28",
                    "paid_at":"2026-02-10T08:30:00-05:00"},
           "links":{"customer":"cus_1"},"raw":{"Id":"1"}})"},
      {EventType::CreditNote,
       R"({"type":"credit_note","external_id":"cn_1","occurred_at":"2026-02-15T00:00:00Z",
           "amount":{"minor":500,"currency":"JPY"},
           "lines":[{"amount":{"minor":500,"currency":"JPY"}}],
           "links":{"invoice":"in_1","customer":"cus_1"},"raw":{"Id":"9"}})"},
      {EventType::Customer,
       R"({"type":"customer","external_id":"cus_1","occurred_at":"2025-12-01T00:00:00Z",
           "party":{"name":"Ada Lovelace","email":"ada@example.com"},
           "attributes":{"segment":"smb","seats":3,"vip":false,"region":null},
           "raw":{"id":"cus_1"}})"},
      {EventType::BankTransaction,
       R"({"type":"bank_transaction","external_id":"bt_1","occurred_at":"2026-01-05T00:00:00Z",
           "status":"booked","reference":"TRACE123","amount":{"minor":-4200,"currency":"GBP"},
           "dates":{"booking_date":"2026-01-05T09:00:00+00:00","value_date":"2026-01-05"},
           "links":{"account":"22289"},"raw":[{"TransactionId":"bt_1"}]})"},
  };
  return kEvents;
}

// The payment example with `patch` (an RFC 7396 merge patch) applied.
std::string paymentWith(const std::string& patch) {
  Json event = Json::parse(kPayment);
  event.merge_patch(Json::parse(patch));
  return event.dump();
}

class EventValidatorTest : public ::testing::Test {
 protected:
  // The error message of validating `text`, which must fail with InvalidArgument.
  std::string errorOf(std::string_view text) {
    lh::Result<Event> result = validator_.validate(text);
    if (result.isOk()) {
      ADD_FAILURE() << "accepted: " << text;
      return {};
    }
    EXPECT_EQ(result.status().code(), Code::InvalidArgument) << result.status();
    return result.status().message();
  }

  EventValidator validator_;
};

TEST_F(EventValidatorTest, AcceptsTheDocumentedExample) {
  lh::Result<Event> event = validator_.validate(kPayment);
  ASSERT_TRUE(event.isOk()) << event.status();
  EXPECT_EQ(event->type, EventType::Payment);
  EXPECT_EQ(event->external_id, "txn_1QAsmblChg00000000000001");
  EXPECT_EQ(event->occurred_at, "2026-01-01T00:00:00Z");
  EXPECT_EQ(event->body, Json::parse(kPayment));
  EXPECT_EQ(event->checksum, payloadSha256(Json::parse(kPayment).dump()));
}

TEST_F(EventValidatorTest, AcceptsOneEventOfEachOfTheTenTypes) {
  ASSERT_EQ(tenTypes().size(), 10u);
  for (const auto& [type, text] : tenTypes()) {
    lh::Result<Event> event = validator_.validate(text);
    ASSERT_TRUE(event.isOk()) << eventTypeName(type) << ": " << event.status();
    EXPECT_EQ(event->type, type);
    EXPECT_EQ(event->body, Json::parse(text));
  }
}

TEST_F(EventValidatorTest, ValidateJsonTakesAParsedBody) {
  lh::Result<Event> event = validator_.validateJson(Json::parse(kPayment));
  ASSERT_TRUE(event.isOk()) << event.status();
  EXPECT_EQ(event->checksum, validator_.validate(kPayment)->checksum);
  lh::Result<Event> bad = validator_.validateJson(Json::array());
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "(root): must be an object");
}

TEST(Sha256Test, MatchesTheFips180KnownAnswers) {
  EXPECT_EQ(payloadSha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(payloadSha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(EventValidatorTest, ChecksumIsSha256OfTheSortedCompactSerialisation) {
  const std::string text =
      R"({"type":"payout","occurred_at":"2026-01-03T00:00:00Z","external_id":"po_é",)"
      R"("raw":{"b":1,"a":[true,null,"x\"y"]},"amount":{"currency":"USD","minor":5}})";
  // Keys sorted bytewise at every level, no whitespace, UTF-8 kept as is, '"' escaped.
  const std::string canonical =
      R"({"amount":{"currency":"USD","minor":5},"external_id":"po_é",)"
      R"("occurred_at":"2026-01-03T00:00:00Z","raw":{"a":[true,null,"x\"y"],"b":1},"type":"payout"})";
  lh::Result<Event> event = validator_.validate(text);
  ASSERT_TRUE(event.isOk()) << event.status();
  EXPECT_EQ(canonicalEventJson(event->body).valueOr(""), canonical);
  EXPECT_EQ(event->checksum, payloadSha256(canonical));
  EXPECT_EQ(eventChecksum(event->body).valueOr(""), event->checksum);
  EXPECT_EQ(event->checksum.size(), 64u);
  EXPECT_EQ(event->checksum.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST_F(EventValidatorTest, ChecksumIgnoresKeyOrderAndWhitespaceButNotContent) {
  const std::string reordered = R"({ "raw" : {"amount": 10000, "object": "balance_transaction",
      "id": "txn_1QAsmblChg00000000000001"},
    "dates": {"available_on": "2026-01-03T00:00:00Z"},
    "links": {"payout": "po_1Pgc79B7WZ01zgkWu1KToYf4", "charge": "ch_1QAsmblChg00000000000001"},
    "fees": [{"amount": {"currency": "USD", "minor": 320}, "type": "stripe_fee"}],
    "net": {"currency": "USD", "minor": 9680}, "fee": {"currency": "USD", "minor": 320},
    "amount": {"currency": "USD", "minor": 10000}, "status": "available",
    "occurred_at": "2026-01-01T00:00:00Z", "external_id": "txn_1QAsmblChg00000000000001",
    "type": "payment" })";
  lh::Result<Event> a = validator_.validate(kPayment);
  lh::Result<Event> b = validator_.validate(reordered);
  ASSERT_TRUE(a.isOk()) << a.status();
  ASSERT_TRUE(b.isOk()) << b.status();
  EXPECT_EQ(a->checksum, b->checksum);

  lh::Result<Event> changed = validator_.validate(paymentWith(R"({"status":"pending"})"));
  ASSERT_TRUE(changed.isOk()) << changed.status();
  EXPECT_NE(changed->checksum, a->checksum);
  lh::Result<Event> rawChanged = validator_.validate(paymentWith(R"({"raw":{"amount":10001}})"));
  ASSERT_TRUE(rawChanged.isOk()) << rawChanged.status();
  EXPECT_NE(rawChanged->checksum, a->checksum);
}

TEST_F(EventValidatorTest, SchemaErrorsNameTheFieldPath) {
  EXPECT_EQ(errorOf(paymentWith(R"({"amount":{"minor":12.5}})")),
            "/amount/minor: must be an integer");
  // A whole number written as a float is still not an integer: never rounded.
  EXPECT_EQ(errorOf(paymentWith(R"({"net":{"minor":9680.0}})")), "/net/minor: must be an integer");
  EXPECT_EQ(errorOf(paymentWith(R"({"amount":{"minor":"100"}})")),
            "/amount/minor: must be an integer");
  EXPECT_EQ(errorOf(paymentWith(R"({"amount":{"currency":"usd"}})")),
            "/amount/currency: must be an ISO 4217 currency code: three upper-case letters");
  EXPECT_EQ(errorOf(paymentWith(R"({"amount":{"currency":null}})")),
            "/amount/currency: is required");  // the merge patch removed it
  EXPECT_EQ(errorOf(paymentWith(R"({"fee":{"cents":1}})")),
            "/fee/cents: is not a field of the canonical event schema here");
  EXPECT_EQ(errorOf(paymentWith(R"({"external_id":null})")), "/external_id: is required");
  EXPECT_EQ(errorOf(paymentWith(R"({"external_id":""})")), "/external_id: must not be empty");
  EXPECT_EQ(errorOf(paymentWith(R"({"type":"charge"})")),
            "/type: must be one of payment, refund, fee, payout, adjustment, dispute, invoice, "
            "credit_note, customer or bank_transaction");
  EXPECT_EQ(errorOf(paymentWith(R"({"occurred_at":"2026-01-01 00:00:00"})")),
            "/occurred_at: must be an RFC 3339 date-time with an offset, e.g. "
            "2026-01-01T00:00:00Z");
  EXPECT_EQ(errorOf(paymentWith(R"({"occurred_at":"2026-01-01T00:00:00"})")),
            "/occurred_at: must be an RFC 3339 date-time with an offset, e.g. "
            "2026-01-01T00:00:00Z");
  EXPECT_EQ(errorOf(paymentWith(R"({"dates":{"arrival_date":"05/01/2026"}})")),
            "/dates/arrival_date: must be a date (YYYY-MM-DD) or an RFC 3339 date-time with an "
            "offset");
  EXPECT_EQ(errorOf(paymentWith(R"({"settlement":{"amount":{"minor":1,"currency":"EUR"},
                                    "exchange_rate":"1,08"}})")),
            "/settlement/exchange_rate: must be a decimal number written as a string, e.g. "
            "\"1.0825\"");
  EXPECT_EQ(errorOf(paymentWith(R"({"settlement":{"exchange_rate":"1.08"}})")),
            "/settlement/amount: is required");
  EXPECT_EQ(errorOf(paymentWith(R"({"livemode":"no"})")), "/livemode: must be a boolean");
  EXPECT_EQ(errorOf(paymentWith(R"({"raw":"id=1"})")), "/raw: must be an object or an array");
  EXPECT_EQ(errorOf(paymentWith(R"({"raw":null})")), "/raw: is required");
  EXPECT_EQ(errorOf(paymentWith(R"({"links":{"ticket":"t_1"}})")),
            "/links/ticket: is not a field of the canonical event schema here");
  EXPECT_EQ(errorOf(paymentWith(R"({"attributes":{"rate":1.5}})")),
            "/attributes/rate: must be a string, an integer, a boolean or null");
  EXPECT_EQ(errorOf(paymentWith(R"({"lines":[{"amount":{"minor":1,"currency":"USD"},
                                              "quantity":-1}]})")),
            "/lines/0/quantity: must be at least 0");
  EXPECT_EQ(errorOf(paymentWith(R"({"fees":[{"type":"a","amount":{"minor":320,"currency":"USD"}},
                                            {"type":"b","amount":{"minor":0,"currency":"US"}}]})")),
            "/fees/1/amount/currency: must be an ISO 4217 currency code: three upper-case letters");
  EXPECT_EQ(errorOf(paymentWith(R"({"unknown_top":1})")),
            "/unknown_top: is not a field of the canonical event schema here");
}

TEST_F(EventValidatorTest, RootErrors) {
  EXPECT_EQ(errorOf("[1,2]"), "(root): must be an object");
  EXPECT_EQ(errorOf("\"payment\""), "(root): must be an object");
  EXPECT_THAT(errorOf(R"({"type":"payment",)"), HasSubstr("(root): not valid JSON (at byte "));
  EXPECT_THAT(errorOf(""), HasSubstr("(root): not valid JSON"));
}

TEST_F(EventValidatorTest, MessagesNeverQuoteStringValues) {
  const std::string secret = "ada.lovelace@example.com";
  const std::string longText = std::string(1000, 'x') + secret;
  Json event = Json::parse(kPayment);
  event["description"] = longText;
  const std::string tooLong = errorOf(event.dump());
  EXPECT_EQ(tooLong, "/description: must be at most 1000 characters long");
  // Not valid JSON near personal data: only the byte position is reported.
  const std::string broken = R"({"type":"customer","party":{"email":")" + secret + R"(" x}})";
  EXPECT_THAT(errorOf(broken), Not(HasSubstr("lovelace")));
}

TEST_F(EventValidatorTest, MoneyCurrenciesMustBeIsoCodesUsableForMoney) {
  EXPECT_THAT(errorOf(paymentWith(R"({"amount":{"currency":"ZZZ"}})")),
              ::testing::StartsWith("/amount/currency: "));
  EXPECT_THAT(errorOf(paymentWith(R"({"amount":{"currency":"ZZZ"}})")), HasSubstr("ZZZ"));
  // Gold is ISO 4217 but has no minor unit: it cannot carry an amount in minor units.
  EXPECT_THAT(errorOf(paymentWith(R"({"tax":{"minor":1,"currency":"XAU"}})")),
              ::testing::StartsWith("/tax/currency: "));
  EXPECT_THAT(errorOf(paymentWith(R"({"fees":[{"type":"a","amount":{"minor":320,
                                               "currency":"ABC"}}]})")),
              ::testing::StartsWith("/fees/0/amount/currency: "));
  EXPECT_THAT(errorOf(paymentWith(R"({"lines":[{"amount":{"minor":1,"currency":"QQQ"}}]})")),
              ::testing::StartsWith("/lines/0/amount/currency: "));
  EXPECT_THAT(errorOf(paymentWith(R"({"settlement":{"amount":{"minor":1,"currency":"XDR"}}})")),
              ::testing::StartsWith("/settlement/amount/currency: "));
  // Withdrawn codes stay readable for history.
  lh::Result<Event> historic = validator_.validate(
      R"({"type":"adjustment","external_id":"a","occurred_at":"2020-01-01T00:00:00Z",
          "amount":{"minor":-100,"currency":"HRK"},"raw":{}})");
  EXPECT_TRUE(historic.isOk()) << historic.status();
}

TEST_F(EventValidatorTest, MinorUnitsMustFitInt64) {
  EXPECT_THAT(errorOf(paymentWith(R"({"amount":{"minor":9223372036854775808}})")),
              ::testing::StartsWith("/amount/minor: "));
  // Beyond uint64 too: JSON parsers can only keep that as a float, which is not an integer.
  EXPECT_EQ(errorOf(paymentWith(R"({"amount":{"minor":100000000000000000000}})")),
            "/amount/minor: must be an integer");
  lh::Result<Event> max = validator_.validate(
      R"({"type":"adjustment","external_id":"a","occurred_at":"2026-01-01T00:00:00Z",
          "amount":{"minor":9223372036854775807,"currency":"USD"},
          "net":{"minor":-9223372036854775808,"currency":"USD"},"raw":{}})");
  EXPECT_TRUE(max.isOk()) << max.status();
}

TEST_F(EventValidatorTest, MagnitudeTypesRefuseNegativeMoney) {
  EXPECT_EQ(errorOf(paymentWith(R"({"amount":{"minor":-1}})")),
            "/amount/minor: must not be negative for a payment event (its money fields are "
            "magnitudes; the type says which way the money moved)");
  EXPECT_THAT(errorOf(paymentWith(R"({"net":{"minor":-5}})")),
              ::testing::StartsWith("/net/minor: must not be negative for a payment event"));
  EXPECT_THAT(errorOf(paymentWith(R"({"settlement":{"amount":{"minor":1,"currency":"EUR"},
                                                    "fee":{"minor":-1,"currency":"EUR"}}})")),
              ::testing::StartsWith("/settlement/fee/minor: must not be negative"));
  for (const char* type : {"refund", "fee", "payout", "dispute", "invoice", "credit_note"}) {
    const std::string text = std::string(R"({"type":")") + type +
                             R"(","external_id":"x","occurred_at":"2026-01-01T00:00:00Z",
                             "amount":{"minor":-100,"currency":"USD"},"raw":{}})";
    EXPECT_EQ(errorOf(text), std::string("/amount/minor: must not be negative for a ") + type +
                                 " event (its money fields are magnitudes; the type says which "
                                 "way the money moved)");
  }
  // Signed types take negative amounts.
  for (const char* type : {"adjustment", "bank_transaction"}) {
    const std::string text = std::string(R"({"type":")") + type +
                             R"(","external_id":"x","occurred_at":"2026-01-01T00:00:00Z",
                             "amount":{"minor":-100,"currency":"USD"},
                             "net":{"minor":-100,"currency":"USD"},"raw":{}})";
    EXPECT_TRUE(validator_.validate(text).isOk()) << type;
  }
}

TEST_F(EventValidatorTest, FeesMustSumToFee) {
  EXPECT_EQ(errorOf(paymentWith(R"({"fees":[{"type":"a","amount":{"minor":300,"currency":"USD"}},
                                            {"type":"b","amount":{"minor":10,"currency":"USD"}}]})")),
            "/fees: the amounts sum to USD 3.10 but /fee is USD 3.20");
  EXPECT_EQ(
      errorOf(paymentWith(R"({"fees":[{"type":"a","amount":{"minor":320,"currency":"EUR"}}]})")),
      "/fees/0/amount/currency: must be USD, the currency of /fee");
  EXPECT_EQ(errorOf(paymentWith(R"({"fees":[]})")),
            "/fees: the amounts sum to USD 0.00 but /fee is USD 3.20");
  // Itemised fees that add up, and fees without a fee total, are fine.
  EXPECT_TRUE(validator_
                  .validate(paymentWith(
                      R"({"fees":[{"type":"a","amount":{"minor":300,"currency":"USD"}},
                                  {"type":"b","amount":{"minor":20,"currency":"USD"}}]})"))
                  .isOk());
  EXPECT_TRUE(validator_.validate(paymentWith(R"({"fee":null})")).isOk());
  // A sum beyond int64 is an error, not a wrapped total.
  EXPECT_THAT(errorOf(paymentWith(
                  R"({"fees":[{"type":"a","amount":{"minor":9223372036854775807,"currency":"USD"}},
                      {"type":"b","amount":{"minor":9223372036854775807,"currency":"USD"}}]})")),
              ::testing::StartsWith("/fees: "));
}

TEST_F(EventValidatorTest, DatesMustBeReal) {
  EXPECT_EQ(errorOf(paymentWith(R"({"occurred_at":"2026-02-30T00:00:00Z"})")),
            "/occurred_at: is not a real date and time (RFC 3339)");
  EXPECT_EQ(errorOf(paymentWith(R"({"occurred_at":"2026-01-01T24:00:00Z"})")),
            "/occurred_at: is not a real date and time (RFC 3339)");
  EXPECT_EQ(errorOf(paymentWith(R"({"occurred_at":"2026-01-01T00:00:00+24:00"})")),
            "/occurred_at: is not a real date and time (RFC 3339)");
  EXPECT_EQ(errorOf(paymentWith(R"({"occurred_at":"2025-02-29T00:00:00Z"})")),
            "/occurred_at: is not a real date and time (RFC 3339)");
  EXPECT_TRUE(validator_.validate(paymentWith(R"({"occurred_at":"2024-02-29T23:59:60Z"})")).isOk());
  EXPECT_EQ(errorOf(paymentWith(R"({"dates":{"arrival_date":"2026-13-01"}})")),
            "/dates/arrival_date: is not a real calendar date or date-time");
  EXPECT_EQ(errorOf(paymentWith(R"({"dates":{"paid_at":"2026-04-31T10:00:00Z"}})")),
            "/dates/paid_at: is not a real calendar date or date-time");
  EXPECT_EQ(errorOf(paymentWith(R"({"lines":[{"amount":{"minor":1,"currency":"USD"},
                                              "period_end":"2026-06-00"}]})")),
            "/lines/0/period_end: is not a real calendar date or date-time");
}

TEST(ParseDateTimeMsTest, AgreesWithTimegm) {
  struct Case {
    const char* text;
    int y, mo, d, h, mi, s;
    int64_t extraMs;
  };
  for (const Case& c : std::vector<Case>{
           {"1970-01-01T00:00:00Z", 1970, 1, 1, 0, 0, 0, 0},
           {"2026-01-01T00:00:00Z", 2026, 1, 1, 0, 0, 0, 0},
           {"2024-02-29T12:34:56.789Z", 2024, 2, 29, 12, 34, 56, 789},
           {"2026-01-01T01:00:00+01:00", 2026, 1, 1, 0, 0, 0, 0},
           {"2025-12-31T19:00:00.5-05:00", 2026, 1, 1, 0, 0, 0, 500},
           {"1969-12-31T23:59:59.123456789Z", 1969, 12, 31, 23, 59, 59, 123},
           {"2000-03-01T00:00:00+05:30", 2000, 2, 29, 18, 30, 0, 0},
       }) {
    std::tm tm{};
    tm.tm_year = c.y - 1900;
    tm.tm_mon = c.mo - 1;
    tm.tm_mday = c.d;
    tm.tm_hour = c.h;
    tm.tm_min = c.mi;
    tm.tm_sec = c.s;
    const int64_t expected = static_cast<int64_t>(timegm(&tm)) * 1000 + c.extraMs;
    lh::Result<int64_t> ms = parseDateTimeMs(c.text);
    ASSERT_TRUE(ms.isOk()) << c.text << ": " << ms.status();
    EXPECT_EQ(*ms, expected) << c.text;
  }
}

TEST(ParseDateTimeMsTest, RefusesWhatIsNotAnRfc3339DateTime) {
  for (const char* text :
       {"", "2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00Z", "2026-01-01t00:00:00Z",
        "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00:00+0100",
        "2026-01-01T00:00:00Z ", "2026-00-01T00:00:00Z", "2026-01-32T00:00:00Z",
        "2026-01-01T00:60:00Z", "2026-01-01T00:00:61Z", "2026-01-01T00:00:00+01:60",
        "0000-01-01T00:00:00Z", "2026-1-01T00:00:00Z", "+2026-01-01T00:00:00Z"}) {
    lh::Result<int64_t> ms = parseDateTimeMs(text);
    EXPECT_FALSE(ms.isOk()) << "accepted '" << text << "'";
    if (!ms.isOk()) {
      EXPECT_EQ(ms.status().code(), Code::InvalidArgument);
    }
  }
}

TEST_F(EventValidatorTest, OneValidatorServesManyThreadsAtOnce) {
  const std::string expected = validator_.validate(kPayment)->checksum;
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto& [type, text] = tenTypes()[static_cast<size_t>(i) % tenTypes().size()];
        lh::Result<Event> event = validator_.validate(text);
        if (!event.isOk() || event->type != type) {
          ++failures[t];
        }
        lh::Result<Event> payment = validator_.validate(kPayment);
        if (!payment.isOk() || payment->checksum != expected) {
          ++failures[t];
        }
        if (validator_.validate(paymentWith(R"({"amount":{"minor":1.5}})")).isOk()) {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_THAT(failures, ::testing::Each(0));
}

TEST(CanonicalEventSchemaTest, EmbeddedSchemaIsTheSdkFile) {
  std::ifstream file(std::string(LH_SOURCE_DIR) + "/sdk/schema/canonical-event.schema.json",
                     std::ios::binary);
  ASSERT_TRUE(file.good());
  std::stringstream contents;
  contents << file.rdbuf();
  EXPECT_EQ(canonicalEventSchemaText(), contents.str());
  EXPECT_EQ(Json::parse(canonicalEventSchemaText())["$id"],
            "https://ledgerhost.dev/schema/canonical-event/1.json");
}

}  // namespace
}  // namespace lh::core
