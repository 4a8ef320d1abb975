#include "exact_json.h"

#include <cstddef>
#include <vector>

namespace lh::stripe {
namespace {

using nlohmann::json;

// A control character cannot appear raw in a JSON string and Stripe never escapes this one into a
// value; parseExact refuses a body whose strings contain the marker, so it is unambiguous.
constexpr std::string_view kMarker = "\x01lh.exact-number:";
// How the marker reads in dump() output (control characters are written as \u00XX).
constexpr std::string_view kDumpedMarker = "\"\\u0001lh.exact-number:";

// Builds the tree like nlohmann's own DOM parser, except for number_float.
class ExactDomBuilder {
 public:
  explicit ExactDomBuilder(json& root) : root_(root) {}

  bool null() { return put(nullptr) != nullptr; }
  bool boolean(bool v) { return put(v) != nullptr; }
  bool number_integer(json::number_integer_t v) { return put(v) != nullptr; }
  bool number_unsigned(json::number_unsigned_t v) { return put(v) != nullptr; }
  bool number_float(json::number_float_t /*rounded*/, const std::string& token) {
    std::string text(kMarker);
    text += token;
    return put(std::move(text)) != nullptr;
  }
  bool string(std::string& v) { return !marked(v) && put(std::move(v)) != nullptr; }
  bool binary(json::binary_t& /*unused*/) { return false; }
  bool start_object(std::size_t /*unknown size*/) { return open(json::object()); }
  bool key(std::string& k) {
    key_ = std::move(k);
    return !marked(key_);
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*unknown size*/) { return open(json::array()); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last token*/,
                   const json::exception& /*error*/) {
    return false;
  }

 private:
  // Anywhere in a string: dump() escapes a quote before it, so the marker could follow one.
  static bool marked(const std::string& s) { return s.find(kMarker) != std::string::npos; }

  // Places `v` in the open container (or as the root) and returns where it now lives. Pointers to
  // open containers stay valid: only the innermost open container grows.
  json* put(json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[key_];
    slot = std::move(v);
    return &slot;
  }
  bool open(json container) {
    json* at = put(std::move(container));
    stack_.push_back(at);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  json& root_;
  std::vector<json*> stack_;
  std::string key_;
};

}  // namespace

json parseExact(std::string_view text) {
  json root;
  ExactDomBuilder builder(root);
  bool ok = false;
  try {
    ok = json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const json::exception&) {
    ok = false;
  }
  return ok ? root : json(json::value_t::discarded);
}

std::optional<std::string> exactNumber(const json& value) {
  if (value.is_number_integer()) {
    return value.dump();
  }
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s.compare(0, kMarker.size(), kMarker) == 0) {
      return s.substr(kMarker.size());
    }
  }
  return std::nullopt;
}

std::string dumpExact(const json& value) {
  const std::string dumped = value.dump();
  std::string out;
  out.reserve(dumped.size());
  size_t from = 0;
  for (size_t at = dumped.find(kDumpedMarker); at != std::string::npos;
       at = dumped.find(kDumpedMarker, from)) {
    // A number token holds only [0-9+-.eE]: nothing in it was escaped, and its string ends at the
    // next quote.
    const size_t start = at + kDumpedMarker.size();
    const size_t end = dumped.find('"', start);
    out.append(dumped, from, at - from);
    out.append(dumped, start, end - start);
    from = end + 1;
  }
  out.append(dumped, from, std::string::npos);
  return out;
}

}  // namespace lh::stripe
