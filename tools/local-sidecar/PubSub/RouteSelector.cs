using System.Text.Json;
using System.Text.RegularExpressions;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>Picks the path for an event: the first rule whose match holds, else the default route
/// (https://docs.dapr.io/developing-applications/building-blocks/pubsub/howto-route-messages/).</summary>
/// <remarks>Dapr evaluates CEL; this sidecar understands only the equality form <c>event.attr == "value"</c>
/// (and an empty match, which always holds). A rule it cannot evaluate never matches.</remarks>
internal static partial class RouteSelector
{
    public static string? Select(AppSubscription subscription, JsonElement cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        foreach (var rule in subscription.Rules)
        {
            if (Matches(rule.Match, cloudEvent))
            {
                return rule.Path;
            }
        }

        return subscription.DefaultRoute;
    }

    /// <summary>True when <paramref name="match"/> is empty or an equality on a top-level attribute that holds.</summary>
    public static bool Matches(string match, JsonElement cloudEvent)
    {
        if (string.IsNullOrWhiteSpace(match))
        {
            return true;
        }

        var m = Equality().Match(match);
        if (!m.Success || cloudEvent.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        return cloudEvent.TryGetProperty(m.Groups["attr"].Value, out var value)
            && value.ValueKind == JsonValueKind.String
            && value.GetString() == m.Groups["value"].Value;
    }

    [GeneratedRegex("""^\s*event\.(?<attr>[A-Za-z0-9_]+)\s*==\s*["'](?<value>[^"']*)["']\s*$""")]
    private static partial Regex Equality();
}
