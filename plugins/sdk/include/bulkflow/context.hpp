#pragma once
/// @file context.hpp
/// What a running node may ask of the engine: its id, logging, progress, cancellation, the
/// database URL, the workflow's models and interactive confirmation.

#include <boost/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bulkflow {

enum class LogLevel { trace, debug, info, warn, error };

/// Per-node view of the run. Implemented by the engine; thread-safe (a node may call it from
/// worker tasks).
class Context {
public:
    virtual ~Context() = default;
    [[nodiscard]] virtual const std::string& node_id() const = 0;
    [[nodiscard]] virtual const std::string& run_id() const = 0;
    virtual void log(LogLevel level, std::string_view message) = 0;
    /// Reports progress: records processed so far, total when known, failed so far.
    virtual void progress(std::size_t processed, std::optional<std::size_t> total,
                          std::size_t failed) = 0;
    /// True once the run is being cancelled (another node failed, or the user interrupted).
    [[nodiscard]] virtual bool cancelled() const = 0;
    /// The run's database URL (CONTRACT section 3), password included: never log it.
    [[nodiscard]] virtual const std::string& database_url() const = 0;
    /// The workflow's models as JSON (the `models:` section; builder and Describe models too).
    [[nodiscard]] virtual const boost::json::object& models() const = 0;
    /// Asks the user to confirm a destructive action; false means "no".
    virtual bool confirm(std::string_view question) = 0;
};

} // namespace bulkflow
