using System.Text.Json;

namespace IronLb.Cli.Events;

/// <summary>Reads a running IronLB's GET /events (NDJSON, one CloudEvent a line) until it ends, the count is reached or the caller cancels.</summary>
internal static class HttpEventTail
{
    /// <summary>Calls <paramref name="onEvent"/> per event; returns null when done, or why it could not read.</summary>
    public static async Task<string?> RunAsync(
        Uri endpoint, string? appApiToken, bool replay, Func<JsonElement, bool> onEvent, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "/events" + (replay ? "?replay=true" : "")));
        if (!string.IsNullOrEmpty(appApiToken))
        {
            // The header Dapr's sidecar presents; a service with APP_API_TOKEN set refuses /events without it, as /status.
            request.Headers.Add("dapr-api-token", appApiToken);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                return $"{endpoint} wants its app API token: set APP_API_TOKEN to the service's token";
            }

            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return $"{endpoint} serves no /events (a layer2 agent emits none; ask ipam, election, bgp or `ironlb run`)";
            }

            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(line);
                if (!onEvent(document.RootElement))
                {
                    return null;
                }
            }

            return null;
        }
        catch (HttpRequestException ex)
        {
            return $"cannot reach {endpoint}: {ex.Message}";
        }
    }
}
