namespace IronLb.LocalSidecar.Components;

/// <summary>Expands the template tags Dapr allows in component metadata: {uuid}, {podName}, {namespace}, {appID}.</summary>
internal static class ConsumerIdTemplate
{
    public static string Expand(string template, string appId, string podName, string? ns, Guid instance) =>
        template
            .Replace("{uuid}", instance.ToString(), StringComparison.Ordinal)
            .Replace("{podName}", podName, StringComparison.Ordinal)
            .Replace("{namespace}", ns ?? "", StringComparison.Ordinal)
            .Replace("{appID}", appId, StringComparison.Ordinal);
}
