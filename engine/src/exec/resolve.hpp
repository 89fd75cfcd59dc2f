#pragma once
// Resolves a node's raw parameters against finished nodes' outputs and the run's inputs.

#include <bulkflow/node.hpp>
#include <bulkflow/params.hpp>
#include <bulkflow/template.hpp>

#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace bulkflow::detail {

/// Looks up the output of a finished node; nullptr if it has not run.
using OutputLookup = std::function<const NodeOutput*(const std::string& node)>;

/// Follows `ref` into the inputs or a node's output. Throws Error(template_resolution) naming
/// the template and what is missing.
Param resolve_reference(const Reference& ref, const boost::json::object& inputs, const OutputLookup& outputs);

/// Resolves every template in `raw` (whole-value templates keep their type, embedded ones are
/// interpolated as text, `\<<` becomes `<<`) and applies the spec's defaults. A parameter that
/// holds no template is not copied: its Param points into `raw`.
Params resolve_params(const std::string& node_id, const NodeSpec& spec,
                      const std::shared_ptr<const boost::json::object>& raw,
                      const boost::json::object& inputs, const OutputLookup& outputs);

/// A raw parameter value as far as it is known before the run: nullopt when it references a
/// node's output; else the value with its <<inputs.NAME>> templates resolved, pointing into `raw`
/// when it holds no template. Throws Error(template_resolution) for a missing input.
std::optional<Param> resolve_static(const std::shared_ptr<const boost::json::object>& raw, const boost::json::value& v,
                                    const std::string& where, const boost::json::object& inputs);

/// Whether a JSON value fits a parameter type.
bool value_fits(ParamType type, const boost::json::value& v);

} // namespace bulkflow::detail
