#pragma once
// Helpers shared by the node families' unit tests: reading a record stream whole, and catching
// the bulkflow::Error a call throws.

#include <catch2/catch.hpp>

#include <bulkflow/error.hpp>
#include <bulkflow/record.hpp>

#include <boost/json.hpp>

#include <functional>
#include <vector>

namespace nodetest {

/// Every record of a fresh cursor, as JSON objects (absent cells omitted).
inline std::vector<boost::json::object> read_all(const bulkflow::RecordStream& s, std::size_t batch = 1000) {
    std::vector<boost::json::object> out;
    auto cur = s.open();
    bulkflow::RecordBatch b;
    while (cur->next(b, batch))
        for (std::size_t r = 0; r < b.size(); ++r) out.push_back(b.row(r));
    return out;
}

/// The bulkflow::Error thrown by `f` (fails the test when nothing or something else is thrown).
inline bulkflow::Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const bulkflow::Error& e) {
        return e;
    } catch (const std::exception& e) {
        FAIL("expected bulkflow::Error, got std::exception: " << e.what());
    }
    FAIL("expected bulkflow::Error, nothing was thrown");
    return bulkflow::Error(bulkflow::ErrorCode::internal, "unreachable");
}

} // namespace nodetest
