// ReportingRates: which exchange rate converts a tenant's amounts into another currency (its base
// currency, for reports) on a given date.
//
// Sources: the tenant's configured `rates` (Tenant::rates, operator-chosen reporting rates) and
// the rates events carried (settlement.exchange_rate, recorded by Ledger::postEvent). For (from,
// to, date) the candidates are each source's latest rate dated on or before `date`, in either
// direction (a "USD -> EUR 0.9" rate also converts EUR to USD, as its exact inverse 1/0.9). The
// latest date wins; on the same date a configured rate beats an event's, and a rate quoted in the
// asked direction beats an inverted one. There is no triangulation through a third currency: a
// missing pair is an error that names it, so a report never silently omits an amount.
//
// Thread safety: not thread-safe (it caches lookups); one per report. The tenant and the store
// must outlive it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "core/chart.h"
#include "core/currency.h"
#include "core/fx.h"
#include "core/ledger_store.h"
#include "core/money.h"
#include "core/status.h"

namespace lh::core {

class ReportingRates {
 public:
  ReportingRates(const Tenant& tenant, LedgerStore& store) : tenant_(tenant), store_(store) {}

  // The rate for 1 `from` in `to` on `date` (YYYY-MM-DD), chosen as the header says; rate 1 when
  // from == to. Errors: InvalidConfig for a configured rate whose text or currencies are not
  // valid, or when no rate for the pair exists on or before `date` (naming the pair and date).
  lh::Result<ExactRate> rateOn(Currency from, Currency to, std::string_view date);

  // `amount` in `to` at rateOn(amount.currency, to, date), rounded half to even (fx.h).
  lh::Result<Money> convertOn(const Money& amount, Currency to, std::string_view date);

 private:
  struct Candidate {
    std::string date;
    int rank;  // lower wins on the same date: 0 config direct, 1 config inverse, 2 event direct...
    std::string text;
    bool inverse;
  };

  lh::Result<std::optional<Candidate>> configured(std::string_view from, std::string_view to,
                                                  std::string_view date) const;

  const Tenant& tenant_;
  LedgerStore& store_;
  std::map<std::tuple<std::string, std::string, std::string>, ExactRate> cache_;
};

}  // namespace lh::core
