using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IronLb.Deploy.Tests.Crds;

/// <summary>
/// Checks a value against a structural OpenAPI v3 schema as the API server does for a custom resource (type, properties,
/// required, items, additionalProperties, minimum, maximum, string enum), except that an unknown field is an error here, as
/// `kubectl apply --validate=strict` reports it, where the server would prune it silently.
/// </summary>
internal static class StructuralSchema
{
    public static IReadOnlyList<string> Validate(JsonNode? value, JsonObject schema)
    {
        var errors = new List<string>();
        Check(value, schema, "", errors);
        return errors;
    }

    private static void Check(JsonNode? value, JsonObject schema, string path, List<string> errors)
    {
        if (value is null)
        {
            // null for an optional field: the API server drops it (no nullable: true here).
            return;
        }

        switch (schema["type"]?.GetValue<string>())
        {
            case "object" when value is JsonObject item:
                var properties = schema["properties"] as JsonObject;
                foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()))
                {
                    if (!item.ContainsKey(required))
                    {
                        errors.Add($"{path}.{required}: Required value");
                    }
                }

                foreach (var (name, child) in item)
                {
                    if (properties?[name] is JsonObject childSchema)
                    {
                        Check(child, childSchema, path + "." + name, errors);
                    }
                    else if (schema["additionalProperties"] is JsonObject additional)
                    {
                        Check(child, additional, path + "." + name, errors);
                    }
                    else if (properties is not null)
                    {
                        errors.Add($"{path}.{name}: unknown field");
                    }
                }

                break;
            case "array" when value is JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], (JsonObject)schema["items"]!, $"{path}[{i}]", errors);
                }

                break;
            case "string" when value is JsonValue v && v.GetValueKind() == JsonValueKind.String:
                if (schema["enum"] is JsonArray allowed && !allowed.Any(a => a!.GetValue<string>() == v.GetValue<string>()))
                {
                    errors.Add($"{path}: Unsupported value: \"{v.GetValue<string>()}\"");
                }

                break;
            case "boolean" when value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                break;
            case "integer" when value is JsonValue n && n.GetValueKind() == JsonValueKind.Number && decimal.TryParse(n.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number):
                if (number != decimal.Truncate(number))
                {
                    errors.Add($"{path}: expected integer, got {number}");
                }
                else if (schema["minimum"] is { } min && number < Number(min) || schema["maximum"] is { } max && number > Number(max))
                {
                    errors.Add($"{path}: {number} out of range");
                }

                break;
            case var type:
                errors.Add($"{path}: expected {type}, got {value.GetValueKind()}");
                break;
        }
    }

    private static decimal Number(JsonNode node) => decimal.Parse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
