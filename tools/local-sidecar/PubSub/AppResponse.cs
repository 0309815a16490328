using System.Text.Json;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>What an app's answer to one delivery means
/// (https://docs.dapr.io/reference/api/pubsub_api/#expected-http-response).</summary>
internal enum AppResponse
{
    /// <summary>2xx with an empty body, {"status":"SUCCESS"}, or a body that is not JSON: acknowledge.</summary>
    Success,

    /// <summary>{"status":"RETRY"}, an unknown status, any non-2xx other than 404, or no answer: deliver again.</summary>
    Retry,

    /// <summary>{"status":"DROP"}: acknowledge, log, and dead-letter when a dead-letter topic is set.</summary>
    Drop,

    /// <summary>404: log and acknowledge; not dead-lettered (daprd 1.16 behaves so, see dapr/dapr#9400).</summary>
    NotFound,
}

/// <summary>Classifies an HTTP answer from the app.</summary>
internal static class AppResponseClassifier
{
    public static AppResponse Classify(int statusCode, ReadOnlySpan<byte> body)
    {
        if (statusCode == 404)
        {
            return AppResponse.NotFound;
        }

        if (statusCode is < 200 or > 299)
        {
            return AppResponse.Retry;
        }

        string? status;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!JsonDocument.TryParseValue(ref reader, out var document))
            {
                return AppResponse.Success;
            }

            using (document)
            {
                status = document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("status", out var s)
                    && s.ValueKind == JsonValueKind.String
                    ? s.GetString()
                    : null;
            }
        }
        catch (JsonException)
        {
            // daprd skips the status check when the 2xx body does not parse, and counts it as success.
            return AppResponse.Success;
        }

        return status?.ToUpperInvariant() switch
        {
            null or "" or "SUCCESS" => AppResponse.Success,
            "DROP" => AppResponse.Drop,
            _ => AppResponse.Retry,
        };
    }
}
