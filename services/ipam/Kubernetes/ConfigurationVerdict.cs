using System.Text.Json.Nodes;
using IronLb.Core.Configuration;

namespace IronLb.Ipam.Kubernetes;

/// <summary>
/// What ipam made of the configuration it read from the API last: valid, or invalid with the errors. MetalLB reports
/// it as a ConfigurationState object named "controller" (label metallb.io/component-type: controller).
/// </summary>
internal sealed class ConfigurationVerdict
{
    public const string ObjectName = "controller";
    public const string ComponentTypeLabel = "metallb.io/component-type";

    public static readonly WatchedResource ConfigurationStates = new("metallb.io", "v1beta1", "configurationstates", "ConfigurationState", true);

    private volatile IReadOnlyList<string>? _errors;

    /// <summary>Records the outcome of handling a configuration: no errors means it was accepted.</summary>
    public void Set(IReadOnlyList<ConfigurationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        _errors = [.. errors.Select(e => $"{e.Kind}/{e.Name}: {e.Message}")];
    }

    /// <summary>The ConfigurationState status MetalLB writes (result Valid or Invalid, errorSummary), or null before the first outcome.</summary>
    public JsonObject? Status() => _errors switch
    {
        null => null,
        [] => new JsonObject { ["result"] = "Valid" },
        var errors => new JsonObject { ["result"] = "Invalid", ["errorSummary"] = string.Join('\n', errors) },
    };
}
