#pragma once
/// @file registry.hpp
/// NodeRegistry: node types by exact name plus pattern resolvers bound to the workflow's models.
/// Filled while plugins load; read-only afterwards (then safe to read from any thread).

#include <bulkflow/node.hpp>

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bulkflow {

class NodeRegistry {
public:
    /// Registers a type; `owner` keeps the plugin library loaded while the factory lives.
    /// Throws Error(plugin_init) if the type name is taken.
    void add(std::shared_ptr<const NodeFactory> factory, std::shared_ptr<void> owner = {},
             std::string origin = "built-in");
    void add_pattern(PatternResolver resolver, std::shared_ptr<void> owner = {},
                     std::string origin = "built-in");

    /// The factory for `type` (exact names first, then patterns over `models`), or nullptr.
    [[nodiscard]] std::shared_ptr<const NodeFactory> find(std::string_view type,
                                                          const boost::json::object& models) const;
    /// Every type name: exact ones and those the patterns generate for `models`, sorted.
    [[nodiscard]] std::vector<std::string> type_names(const boost::json::object& models) const;
    /// Which plugin registered `type` ("built-in" for the engine).
    [[nodiscard]] std::string origin(std::string_view type, const boost::json::object& models) const;
    [[nodiscard]] std::vector<std::string> pattern_descriptions() const;

private:
    struct Entry {
        std::shared_ptr<void> owner;  // declared first: destroyed after the factory
        std::shared_ptr<const NodeFactory> factory;
        std::string origin;
    };
    struct PatternEntry {
        std::shared_ptr<void> owner;
        PatternResolver resolver;
        std::string origin;
    };
    std::map<std::string, Entry, std::less<>> entries_;
    std::vector<PatternEntry> patterns_;
};

} // namespace bulkflow
