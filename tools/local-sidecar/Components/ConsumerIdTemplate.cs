namespace IronLb.LocalSidecar.Components;

/// <summary>Expands the template tags daprd allows in any component metadata value: {uuid}, {podName}, {namespace}, {appID}.</summary>
/// <remarks>
/// Follows dapr/dapr pkg/runtime/meta/meta.go (convertItemsToProps): {podName} with no pod name (daprd reads POD_NAME)
/// refuses the component; {namespace} becomes "NAMESPACE.APPID" (".APPID" without a namespace), not the bare namespace.
/// daprd draws a new UUID for every {uuid}; here one UUID per sidecar process is used, so that a consumerID of
/// "{uuid}" and the consumer names agree.
/// </remarks>
internal static class ConsumerIdTemplate
{
    /// <exception cref="InvalidDataException">The value uses {podName} and no pod name is set.</exception>
    public static string Expand(string property, string value, string appId, string? podName, string? ns, Guid instance)
    {
        if (value.Contains("{podName}", StringComparison.Ordinal) && string.IsNullOrEmpty(podName))
        {
            throw new InvalidDataException($"failed to parse metadata: property {property} refers to {{podName}} but podName is not set");
        }

        return value
            .Replace("{uuid}", instance.ToString(), StringComparison.Ordinal)
            .Replace("{podName}", podName, StringComparison.Ordinal)
            .Replace("{namespace}", (ns ?? "") + "." + appId, StringComparison.Ordinal)
            .Replace("{appID}", appId, StringComparison.Ordinal);
    }
}
