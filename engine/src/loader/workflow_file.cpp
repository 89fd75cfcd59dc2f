#include "loader/yaml_alias_budget.hpp"
#include "model/model_detail.hpp"

#include <bulkflow/error.hpp>
#include <bulkflow/json_text.hpp>
#include <bulkflow/validation.hpp>
#include <bulkflow/workflow_file.hpp>

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>

namespace bulkflow {
namespace {

[[noreturn]] void invalid(const std::string& msg) { throw Error(ErrorCode::invalid_workflow, msg); }

/// A YAML 1.2 number ("+1", "-.5", "1.", "007") in JSON's number grammar ("1", "-0.5", "1", "7").
std::string json_number(std::string_view s) {
    std::string out;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        if (s[0] == '-') out += '-';
        s.remove_prefix(1);
    }
    const std::size_t mantissa_end = std::min(s.find_first_of("eE"), s.size());
    std::string_view int_part = s.substr(0, std::min(s.find('.'), mantissa_end));
    std::string_view frac_part = s.substr(std::min(int_part.size() + 1, mantissa_end), mantissa_end - std::min(int_part.size() + 1, mantissa_end));
    while (int_part.size() > 1 && int_part[0] == '0') int_part.remove_prefix(1);
    out += int_part.empty() ? "0" : std::string(int_part);
    if (!frac_part.empty()) (out += '.') += frac_part;
    out += s.substr(mantissa_end);
    return out;
}

std::string at(std::string_view origin, const YAML::Mark& m) {
    if (m.is_null()) return std::string(origin);
    return std::string(origin) + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// A scalar's text, refused unless valid UTF-8 (YAML text is Unicode; the result JSON must stay
// valid, and names and messages repeat this text).
const std::string& text_of(const YAML::Node& n, std::string_view origin) {
    const std::string& s = n.Scalar();
    std::size_t points = 0;
    if (model_detail::utf8_invalid_at(s, &points) != std::string_view::npos)
        invalid(at(origin, n.Mark()) + ": text that is not valid UTF-8");
    return s;
}

// YAML 1.2 core schema for plain scalars; quoted scalars are always strings. Numbers are kept
// exact as JSON numbers from a file are (number_from_text; docs/workflow-format.md, "Numbers").
boost::json::value scalar(const YAML::Node& n, std::string_view origin) {
    const std::string& s = text_of(n, origin);
    if (n.Tag() == "!") return boost::json::value(s);
    static const std::regex int_re(R"([-+]?[0-9]+)");
    static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (std::regex_match(s, int_re) || std::regex_match(s, float_re)) return number_from_text(json_number(s));
    if (s == ".inf" || s == "+.inf") return HUGE_VAL;
    if (s == "-.inf") return -HUGE_VAL;
    return boost::json::value(s);
}

boost::json::value to_json(const YAML::Node& n, std::string_view origin) {
    switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: return scalar(n, origin);
    case YAML::NodeType::Sequence: {
        boost::json::array a;
        for (const auto& e : n) a.push_back(to_json(e, origin));
        return a;
    }
    case YAML::NodeType::Map: {
        boost::json::object o;
        for (const auto& kv : n) {
            if (!kv.first.IsScalar()) invalid(at(origin, kv.first.Mark()) + ": mapping keys must be plain text");
            const std::string key = text_of(kv.first, origin);
            if (o.contains(key)) invalid(at(origin, kv.first.Mark()) + ": duplicate key '" + key + "'");
            o[key] = to_json(kv.second, origin);
        }
        return o;
    }
    }
    return nullptr;
}

std::string kind_name(const boost::json::value& v) { return std::string(boost::json::to_string(v.kind())); }

void check_keys(const boost::json::object& o, const std::vector<std::string>& allowed, const std::string& where,
                ProblemList& problems, const std::string& node = {}) {
    for (const auto& kv : o) {
        std::string k(kv.key());
        if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
        std::string msg = where + ": unknown key '" + k + "'";
        if (auto s = closest_match(k, allowed); !s.empty()) msg += " (did you mean '" + s + "'?)";
        problems.add(ErrorCode::invalid_workflow, node, msg);
    }
}

std::pair<std::string, std::string> split_endpoint(const std::string& s) {
    auto dot = s.find('.');
    if (dot == std::string::npos) return {s, ""};
    return {s.substr(0, dot), s.substr(dot + 1)};
}

[[noreturn]] void too_large(const std::filesystem::path& path) {
    invalid(path.string() + ": the file is larger than " + std::to_string(kMaxWorkflowFileBytes >> 20) +
            " MiB, the limit for workflow files");
}

// The whole file, refused before parsing when over kMaxWorkflowFileBytes. The size is checked
// up front for regular files and while reading for anything else (a pipe, /dev/stdin).
std::string read_bounded(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) invalid("cannot read workflow '" + path.string() + "': it is a directory");
    if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) > kMaxWorkflowFileBytes)
        too_large(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) invalid("cannot read workflow '" + path.string() + "': " + std::strerror(errno));
    std::string text;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxWorkflowFileBytes) too_large(path);
    }
    if (in.bad()) invalid("cannot read workflow '" + path.string() + "': read error");
    return text;
}

} // namespace

boost::json::value parse_yaml(std::string_view text, std::string_view origin) {
    try {
        detail::check_alias_expansion(text, origin);  // before aliases are expanded below
        YAML::Node root = YAML::Load(std::string(text));
        return to_json(root, origin);
    } catch (const YAML::Exception& e) {
        invalid(at(origin, e.mark) + ": " + e.msg);
    }
}

WorkflowBuilder workflow_from_json(const boost::json::value& doc, std::string_view origin_sv) {
    const std::string origin(origin_sv);
    if (!doc.is_object()) invalid(origin + ": a workflow must be a mapping with a 'nodes' list");
    const auto& root = doc.get_object();
    ProblemList problems;
    check_keys(root, {"name", "database", "plugins", "inputs", "models", "nodes", "connections"}, origin, problems);
    WorkflowBuilder b;
    auto str = [&](const char* key) -> std::string {
        const auto* v = root.if_contains(key);
        if (!v || v->is_null()) return {};
        if (!v->is_string()) {
            problems.add(ErrorCode::invalid_workflow, {}, origin + ": '" + key + "' must be a string, got " + kind_name(*v));
            return {};
        }
        return std::string(v->get_string());
    };
    b.set_name(str("name"));
    b.set_database(str("database"));
    if (const auto* v = root.if_contains("plugins"); v && !v->is_null()) {
        if (!v->is_array()) problems.add(ErrorCode::invalid_workflow, {}, origin + ": 'plugins' must be a list");
        else
            for (const auto& p : v->get_array()) {
                if (p.is_string()) b.add_plugin(std::string(p.get_string()));
                else problems.add(ErrorCode::invalid_workflow, {}, origin + ": 'plugins' entries must be names or paths");
            }
    }
    if (const auto* v = root.if_contains("inputs"); v && !v->is_null()) {
        if (!v->is_object()) problems.add(ErrorCode::invalid_workflow, {}, origin + ": 'inputs' must be a mapping");
        else
            for (const auto& kv : v->get_object()) b.set_input(std::string(kv.key()), kv.value());
    }
    if (const auto* v = root.if_contains("models"); v && !v->is_null()) {
        if (!v->is_object()) problems.add(ErrorCode::invalid_workflow, {}, origin + ": 'models' must be a mapping of model names");
        else
            for (const auto& kv : v->get_object()) b.add_model(std::string(kv.key()), kv.value());
    }
    const auto* nodes = root.if_contains("nodes");
    if (!nodes || !nodes->is_array()) {
        problems.add(ErrorCode::invalid_workflow, {}, origin + ": 'nodes' must be a list of nodes");
    } else {
        std::size_t i = 0;
        for (const auto& nv : nodes->get_array()) {
            std::string where = origin + ": nodes[" + std::to_string(i++) + "]";
            if (!nv.is_object()) {
                problems.add(ErrorCode::invalid_workflow, {}, where + ": a node must be a mapping with id, type and params");
                continue;
            }
            const auto& n = nv.get_object();
            const auto* id = n.if_contains("id");
            const auto* type = n.if_contains("type");
            std::string sid = id && id->is_string() ? std::string(id->get_string()) : std::string();
            if (!sid.empty()) where += " (node '" + sid + "')";
            check_keys(n, {"id", "type", "params", "after"}, where, problems, sid);
            if (sid.empty()) {
                problems.add(ErrorCode::invalid_workflow, {}, where + ": missing 'id' (a string)");
                continue;
            }
            if (!type || !type->is_string()) {
                problems.add(ErrorCode::invalid_workflow, sid, where + ": missing 'type' (a string)");
                continue;
            }
            boost::json::object params;
            if (const auto* p = n.if_contains("params"); p && !p->is_null()) {
                if (!p->is_object()) problems.add(ErrorCode::invalid_workflow, sid, where + ": 'params' must be a mapping");
                else params = p->get_object();
            }
            b.add_node(std::string(type->get_string()), sid, std::move(params));
            if (const auto* a = n.if_contains("after"); a && !a->is_null()) {
                if (a->is_string()) b.add_dependency(sid, std::string(a->get_string()));
                else if (a->is_array())
                    for (const auto& d : a->get_array()) {
                        if (d.is_string()) b.add_dependency(sid, std::string(d.get_string()));
                        else problems.add(ErrorCode::invalid_workflow, sid, where + ": 'after' entries must be node ids");
                    }
                else problems.add(ErrorCode::invalid_workflow, sid, where + ": 'after' must be a list of node ids");
            }
        }
    }
    if (const auto* v = root.if_contains("connections"); v && !v->is_null()) {
        if (!v->is_array()) problems.add(ErrorCode::invalid_workflow, {}, origin + ": 'connections' must be a list");
        else {
            std::size_t i = 0;
            for (const auto& cv : v->get_array()) {
                std::string where = origin + ": connections[" + std::to_string(i++) + "]";
                const auto* from = cv.is_object() ? cv.get_object().if_contains("from") : nullptr;
                const auto* to = cv.is_object() ? cv.get_object().if_contains("to") : nullptr;
                if (!from || !to || !from->is_string() || !to->is_string()) {
                    problems.add(ErrorCode::invalid_workflow, {}, where + ": expected {from: NODE.OUTPUT, to: NODE.PARAM}");
                    continue;
                }
                check_keys(cv.get_object(), {"from", "to"}, where, problems);
                auto [fn, fp] = split_endpoint(std::string(from->get_string()));
                auto [tn, tp] = split_endpoint(std::string(to->get_string()));
                if (fp.empty() || tp.empty()) {
                    problems.add(ErrorCode::invalid_workflow, tn, where + ": both ends must be NODE.NAME");
                    continue;
                }
                b.add_connection(fn, fp, tn, tp);
            }
        }
    }
    problems.throw_if_any();
    return b;
}

WorkflowBuilder load_workflow_file(const std::filesystem::path& path) {
    const std::string text = read_bounded(path);
    const std::string origin = path.string();
    boost::json::value doc;
    if (path.extension() == ".json") {
        boost::system::error_code ec;
        doc = parse_json(text, ec);
        if (ec) invalid(origin + ": invalid JSON: " + ec.message());
    } else {
        doc = parse_yaml(text, origin);
    }
    return workflow_from_json(doc, origin);
}

} // namespace bulkflow
