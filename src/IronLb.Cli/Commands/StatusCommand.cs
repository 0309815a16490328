using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace IronLb.Cli.Commands;

/// <summary>`ironlb status`: what a running instance holds, read from its /status endpoint.</summary>
internal static class StatusCommand
{
    public const string DefaultEndpoint = "http://127.0.0.1:7472";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the raw JSON document." };
        var endpoint = EndpointOption("Base URL of the running instance (default " + DefaultEndpoint + ").");
        var command = new Command(
            "status",
            "Show what a running IronLB holds: services and their addresses, pools with used/free counts, announcements, BGP sessions, Layer 2 owners. " +
            "A service run as a Dapr app answers /status only with its app API token: set APP_API_TOKEN to send it.")
        {
            json,
            endpoint,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(endpoint)!, result.GetValue(json), cancellationToken));
        return command;
    }

    /// <summary>--endpoint: an http(s) base URL of a running instance, <see cref="DefaultEndpoint"/> unless given.</summary>
    internal static Option<Uri> EndpointOption(string description) => new("--endpoint")
    {
        Description = description,
        DefaultValueFactory = _ => new Uri(DefaultEndpoint),
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"--endpoint: '{text}' is not an http(s) URL");
            return null;
        },
    };

    private static async Task<int> RunAsync(Uri endpoint, bool json, CancellationToken cancellationToken)
    {
        var (body, error) = await FetchAsync(endpoint, Environment.GetEnvironmentVariable("APP_API_TOKEN"), cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            await Console.Error.WriteLineAsync("ironlb status: " + error).ConfigureAwait(false);
            return 1;
        }

        using var document = JsonDocument.Parse(body);
        Console.Out.Write(json
            ? JsonSerializer.Serialize(document.RootElement, Indented) + Environment.NewLine
            : Render(document.RootElement));
        return 0;
    }

    /// <summary>GET /status, with the app API token when one is given; the body, or why there is none.</summary>
    internal static async Task<(string? Body, string? Error)> FetchAsync(Uri endpoint, string? appApiToken, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "/status"));
        if (!string.IsNullOrEmpty(appApiToken))
        {
            // The header Dapr's sidecar presents; a service with APP_API_TOKEN set refuses /status without it.
            request.Headers.Add("dapr-api-token", appApiToken);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                return (null, $"{endpoint} wants its app API token: set APP_API_TOKEN to the service's token");
            }

            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (HttpRequestException ex)
        {
            return (null, $"cannot reach {endpoint}: {ex.Message}");
        }
    }

    /// <summary>Renders the status document as indented text: one heading per section, tables for lists of objects.</summary>
    internal static string Render(JsonElement root)
    {
        var text = new StringBuilder();
        foreach (var section in root.EnumerateObject())
        {
            text.Append(section.Name.ToUpperInvariant()).Append('\n');
            RenderValue(text, section.Value, 1);
            text.Append('\n');
        }

        return text.ToString();
    }

    private static void RenderValue(StringBuilder text, JsonElement value, int depth)
    {
        var indent = new string(' ', depth * 2);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (IsScalar(property.Value) || IsScalarList(property.Value))
                    {
                        text.Append(indent).Append(property.Name).Append(": ").Append(Scalar(property.Value)).Append('\n');
                    }
                    else
                    {
                        text.Append(indent).Append(property.Name).Append(":\n");
                        RenderValue(text, property.Value, depth + 1);
                    }
                }

                break;
            case JsonValueKind.Array when value.GetArrayLength() == 0:
                text.Append(indent).Append("(none)\n");
                break;
            case JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object && e.EnumerateObject().All(p => IsScalar(p.Value) || IsScalarList(p.Value))):
                RenderTable(text, value, indent);
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    text.Append(indent).Append("-\n");
                    RenderValue(text, item, depth + 1);
                }

                break;
            default:
                text.Append(indent).Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void RenderTable(StringBuilder text, JsonElement rows, string indent)
    {
        var columns = rows.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal).ToList();
        var cells = rows.EnumerateArray()
            .Select(r => columns.Select(c => r.TryGetProperty(c, out var v) ? Scalar(v) : string.Empty).ToList())
            .ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(row => row[i].Length))).ToList();
        text.Append(indent).Append(string.Join("  ", columns.Select((c, i) => c.ToUpperInvariant().PadRight(widths[i]))).TrimEnd()).Append('\n');
        foreach (var row in cells)
        {
            text.Append(indent).Append(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
        }
    }

    private static bool IsScalar(JsonElement value) => value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array);

    private static bool IsScalarList(JsonElement value) => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(IsScalar);

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Null => "-",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "-" : string.Join(",", value.EnumerateArray().Select(Scalar)),
        _ => value.GetRawText(),
    };
}
