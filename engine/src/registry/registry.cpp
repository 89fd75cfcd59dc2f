#include <bulkflow/error.hpp>
#include <bulkflow/registry.hpp>

#include <algorithm>

namespace bulkflow {

void NodeRegistry::add(std::shared_ptr<const NodeFactory> factory, std::shared_ptr<void> owner,
                       std::string origin) {
    const std::string& type = factory->spec().type;
    if (auto it = entries_.find(type); it != entries_.end())
        throw Error(ErrorCode::plugin_init, "node type '" + type + "' from " + origin +
                                                " is already registered by " + it->second.origin);
    entries_.emplace(type, Entry{std::move(owner), std::move(factory), std::move(origin)});
}

void NodeRegistry::add_pattern(PatternResolver resolver, std::shared_ptr<void> owner, std::string origin) {
    for (const auto& p : patterns_)
        if (p.resolver.pattern == resolver.pattern)
            throw Error(ErrorCode::plugin_init, "node pattern '" + resolver.pattern + "' from " + origin +
                                                    " is already registered by " + p.origin);
    patterns_.push_back({std::move(owner), std::move(resolver), std::move(origin)});
}

std::shared_ptr<const NodeFactory> NodeRegistry::find(std::string_view type,
                                                      const boost::json::object& models) const {
    if (auto it = entries_.find(type); it != entries_.end()) return it->second.factory;
    for (const auto& p : patterns_)
        if (auto f = p.resolver.resolve(type, models)) return f;
    return nullptr;
}

std::vector<std::string> NodeRegistry::type_names(const boost::json::object& models) const {
    std::vector<std::string> names;
    for (const auto& [k, _] : entries_) names.push_back(k);
    for (const auto& p : patterns_)
        if (p.resolver.enumerate)
            for (auto& n : p.resolver.enumerate(models)) names.push_back(std::move(n));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::string NodeRegistry::origin(std::string_view type, const boost::json::object& models) const {
    if (auto it = entries_.find(type); it != entries_.end()) return it->second.origin;
    for (const auto& p : patterns_)
        if (p.resolver.resolve(type, models)) return p.origin;
    return {};
}

std::vector<std::string> NodeRegistry::pattern_descriptions() const {
    std::vector<std::string> out;
    for (const auto& p : patterns_) out.push_back(p.resolver.pattern);
    return out;
}

} // namespace bulkflow
