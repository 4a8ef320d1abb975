#include "core/ledger_rates.h"

#include <utility>
#include <vector>

#include "core/ledger_entry.h"

namespace lh::core {
namespace {

// Keeps the better of two candidates: later date, then lower rank.
template <typename C>
void consider(std::optional<C>& best, std::optional<C> candidate) {
  if (!candidate) {
    return;
  }
  if (!best || candidate->date > best->date ||
      (candidate->date == best->date && candidate->rank < best->rank)) {
    best = std::move(candidate);
  }
}

}  // namespace

lh::Result<std::optional<ReportingRates::Candidate>> ReportingRates::configured(
    std::string_view from, std::string_view to, std::string_view date) const {
  std::optional<Candidate> best;
  for (const ExchangeRate& rate : tenant_.rates) {
    const bool direct = rate.from == from && rate.to == to;
    const bool inverse = rate.from == to && rate.to == from;
    if (!direct && !inverse) {
      continue;
    }
    if (!isIsoDate(rate.date)) {
      return lh::invalidConfig("tenant '" + tenant_.id + "': rate " + rate.from + "->" + rate.to +
                               " has date '" + rate.date + "', expected YYYY-MM-DD");
    }
    if (rate.date > date) {
      continue;
    }
    consider(best,
             std::optional<Candidate>(Candidate{rate.date, direct ? 0 : 1, rate.rate, inverse}));
  }
  return best;
}

lh::Result<ExactRate> ReportingRates::rateOn(Currency from, Currency to, std::string_view date) {
  if (from == to) {
    return ExactRate::parse("1");
  }
  const std::string fromCode(from.code());
  const std::string toCode(to.code());
  auto key = std::make_tuple(fromCode, toCode, std::string(date));
  if (auto it = cache_.find(key); it != cache_.end()) {
    return it->second;
  }
  LH_ASSIGN_OR_RETURN(std::optional<Candidate> best, configured(fromCode, toCode, date));
  LH_ASSIGN_OR_RETURN(std::optional<RecordedRate> recordedDirect,
                      store_.latestRecordedRate(tenant_.id, fromCode, toCode, std::string(date)));
  LH_ASSIGN_OR_RETURN(std::optional<RecordedRate> recordedInverse,
                      store_.latestRecordedRate(tenant_.id, toCode, fromCode, std::string(date)));
  if (recordedDirect) {
    consider(best, std::optional<Candidate>(
                       Candidate{recordedDirect->rate.date, 2, recordedDirect->rate.rate, false}));
  }
  if (recordedInverse) {
    consider(best, std::optional<Candidate>(
                       Candidate{recordedInverse->rate.date, 3, recordedInverse->rate.rate, true}));
  }
  if (!best) {
    return lh::invalidConfig("tenant '" + tenant_.id + "': no exchange rate between " + fromCode +
                             " and " + toCode + " on or before " + std::string(date) +
                             " (add one to the tenant's rates)");
  }
  lh::Result<ExactRate> parsed = ExactRate::parse(best->text);
  if (!parsed.isOk()) {
    const std::string source = best->rank < 2 ? "configured" : "event";
    return lh::invalidConfig("tenant '" + tenant_.id + "': " + source + " rate " + fromCode + "/" +
                             toCode + " of " + best->date + ": " + parsed.status().message());
  }
  ExactRate rate = best->inverse ? parsed->inverse() : *parsed;
  cache_.emplace(std::move(key), rate);
  return rate;
}

lh::Result<Money> ReportingRates::convertOn(const Money& amount, Currency to,
                                            std::string_view date) {
  if (amount.currency == to) {
    return amount;
  }
  LH_ASSIGN_OR_RETURN(ExactRate rate, rateOn(amount.currency, to, date));
  return convert(amount, rate, to);
}

}  // namespace lh::core
