// ConstantNode, CSVReaderNode, JSONReaderNode and the registration of the io family
// (MapNode and FilterNode are in transform_nodes.cpp).
#include <bulkflow/io/io_nodes.hpp>

#include <string_view>

namespace bulkflow::io {

namespace {

namespace json = boost::json;

/// True for a string that still holds a template (checked again once resolved).
bool is_template(const json::value& v) {
    if (!v.is_string()) return false;
    const std::string_view s = v.get_string();
    return s.find("<<") != std::string_view::npos || s.find("{{") != std::string_view::npos;
}

/// A list-of-strings parameter; throws Error(invalid_parameter) when it is anything else.
std::vector<std::string> string_list(const json::value& v, std::string_view name) {
    if (!v.is_array()) Params::fail(name, "must be a list of strings");
    std::vector<std::string> out;
    out.reserve(v.get_array().size());
    for (const auto& e : v.get_array()) {
        if (!e.is_string()) Params::fail(name, "must be a list of strings");
        out.emplace_back(e.get_string());
    }
    return out;
}

/// A factory with a spec and an optional static check.
template <class NodeT>
class IoFactory final : public NodeFactory {
public:
    using Check = void (*)(const json::object&);
    IoFactory(NodeSpec spec, Check check) : spec_(std::move(spec)), check_(check) {}
    [[nodiscard]] const NodeSpec& spec() const override { return spec_; }
    [[nodiscard]] std::unique_ptr<Node> create() const override { return std::make_unique<NodeT>(); }
    void check(const json::object& params) const override {
        if (check_) check_(params);
    }

private:
    NodeSpec spec_;
    Check check_;
};

// ---------------------------------------------------------------------------------------------
// ConstantNode

class ConstantNode final : public Node {
public:
    NodeOutput run(Context& /*ctx*/, const Params& params) override {
        NodeOutput out;
        const Param* p = params.find("value");
        if (!p) Params::fail("value", "is required");
        if (p->is_stream())
            out.streams.emplace("value", p->stream());
        else
            out.value["value"] = p->json();
        return out;
    }
};

NodeSpec constant_spec() {
    return NodeSpec{
        "ConstantNode",
        "Outputs a fixed value (any JSON, or a record stream passed through) as `value`.",
        {ParamSpec{"value", ParamType::any, true, std::nullopt,
                   "The value to output: any JSON value, or a template naming another node's output."}},
        {"value"}};
}

// ---------------------------------------------------------------------------------------------
// CSVReaderNode

std::size_t max_record_bytes(const Params& params) {
    return static_cast<std::size_t>(params.get_int("max_record_bytes", std::int64_t{64} << 20));
}

ParamSpec max_record_bytes_spec() {
    ParamSpec p{"max_record_bytes", ParamType::integer, false, json::value(std::int64_t{64} << 20),
                "Longest record in bytes (64 MiB by default); a longer one fails the node, naming "
                "the file and line, before more of it is read into memory."};
    p.minimum = 1;
    return p;
}

CsvOptions csv_options(const Params& params) {
    CsvOptions o;
    o.path = params.get_string("path");
    if (o.path.empty()) Params::fail("path", "is required (the CSV file to read)");
    o.delimiter = parse_delimiter(params.get_string("delimiter", ","));
    o.header = params.get_bool("header", true);
    if (const auto* c = params.json("columns")) {
        o.columns = string_list(*c, "columns");
        if (o.columns->empty()) Params::fail("columns", "must name at least one column");
    }
    if (const auto* n = params.json("null_values")) o.null_values = string_list(*n, "null_values");
    o.max_record_bytes = max_record_bytes(params);
    return o;
}

void csv_check(const json::object& params) {
    if (const auto* d = params.if_contains("delimiter"); d && d->is_string() && !is_template(*d))
        (void)parse_delimiter(d->get_string());
    for (const char* name : {"columns", "null_values"}) {
        const auto* v = params.if_contains(name);
        if (!v || v->is_null() || is_template(*v)) continue;
        (void)string_list(*v, name);
    }
}

class CsvReaderNode final : public Node {
public:
    NodeOutput run(Context& ctx, const Params& params) override {
        auto stream = std::make_shared<CsvStream>(csv_options(params));
        // Open the file now (and read the header), so an unreadable file fails this node, not
        // the node that consumes the stream.
        const std::vector<std::string> columns = stream->probe_columns();
        ctx.log(LogLevel::debug, "reading CSV '" + stream->options().path + "' (" +
                                     std::to_string(columns.size()) + " columns)");
        NodeOutput out;
        out.value["path"] = stream->options().path;
        json::array cols;
        cols.reserve(columns.size());
        for (const auto& c : columns) cols.emplace_back(c);
        out.value["columns"] = std::move(cols);
        out.streams.emplace("records", std::move(stream));
        return out;
    }
};

NodeSpec csv_spec() {
    return NodeSpec{
        "CSVReaderNode",
        "Streams the records of a UTF-8 CSV file (RFC 4180 quoting); every cell is read as a string.",
        {
            ParamSpec{"path", ParamType::string, true, std::nullopt, "Path of the CSV file to read."},
            ParamSpec{"delimiter", ParamType::string, false, json::value(","),
                      "Field delimiter: one character; \"\\t\" means a tab."},
            ParamSpec{"header", ParamType::boolean, false, json::value(true),
                      "Whether the first line holds the column names."},
            ParamSpec{"columns", ParamType::array, false, std::nullopt,
                      "Column names: replace the header's names, or name the columns of a file "
                      "without header (default column_1, column_2, ...)."},
            ParamSpec{"null_values", ParamType::array, false, json::value(json::array{}),
                      "Cell values read as null, e.g. [\"\", \"NULL\"]; an empty cell is an empty "
                      "string unless \"\" is listed."},
            max_record_bytes_spec(),
        },
        {"records (stream)", "path", "columns"}};
}

// ---------------------------------------------------------------------------------------------
// JSONReaderNode

void json_check(const json::object& params) {
    if (const auto* f = params.if_contains("format"); f && f->is_string() && !is_template(*f))
        (void)parse_json_format(f->get_string());
}

class JsonReaderNode final : public Node {
public:
    NodeOutput run(Context& ctx, const Params& params) override {
        JsonOptions o;
        o.path = params.get_string("path");
        if (o.path.empty()) Params::fail("path", "is required (the JSON file to read)");
        o.format = parse_json_format(params.get_string("format", "auto"));
        o.max_record_bytes = max_record_bytes(params);
        auto stream = std::make_shared<JsonStream>(std::move(o));
        // Opens the file now: an unreadable file fails this node, not its consumer.
        const JsonFormat format = stream->detect_format();
        ctx.log(LogLevel::debug, "reading JSON '" + stream->options().path + "' as " +
                                     std::string(to_string(format)));
        NodeOutput out;
        out.value["path"] = stream->options().path;
        out.value["format"] = to_string(format);
        out.streams.emplace("records", std::move(stream));
        return out;
    }
};

NodeSpec json_spec() {
    return NodeSpec{
        "JSONReaderNode",
        "Streams the records of a JSON file holding an array of objects or one object per line (JSON lines).",
        {
            ParamSpec{"path", ParamType::string, true, std::nullopt, "Path of the JSON file to read."},
            ParamSpec{"format", ParamType::string, false, json::value("auto"),
                      "\"array\" (one JSON array of objects), \"lines\" (one object per line) or "
                      "\"auto\" (array if the file starts with '[')."},
            max_record_bytes_spec(),
        },
        {"records (stream)", "path", "format"}};
}

} // namespace

std::shared_ptr<const NodeFactory> constant_node_factory() {
    return std::make_shared<IoFactory<ConstantNode>>(constant_spec(), nullptr);
}
std::shared_ptr<const NodeFactory> csv_reader_node_factory() {
    return std::make_shared<IoFactory<CsvReaderNode>>(csv_spec(), &csv_check);
}
std::shared_ptr<const NodeFactory> json_reader_node_factory() {
    return std::make_shared<IoFactory<JsonReaderNode>>(json_spec(), &json_check);
}

void register_io_nodes(Registrar& registrar) {
    registrar.add_node(constant_node_factory());
    registrar.add_node(csv_reader_node_factory());
    registrar.add_node(json_reader_node_factory());
    registrar.add_node(map_node_factory());
    registrar.add_node(filter_node_factory());
}

} // namespace bulkflow::io
