using System.CommandLine;
using System.Text.Json;
using IronLb.Cli.Events;

namespace IronLb.Cli.Commands;

/// <summary>`ironlb events`: tails the public event stream, from a running IronLB's /events or as a Dapr subscriber.</summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print each event as its CloudEvent JSON, one per line." };
        var endpoint = StatusCommand.EndpointOption("Base URL of the running instance whose /events to read (default " + StatusCommand.DefaultEndpoint + ").");
        var replay = new Option<bool>("--replay") { Description = "With --endpoint: start with the events the instance still keeps (Events:BufferSize), then follow." };
        var count = new Option<int?>("--count") { Description = "Stop after this many events." };
        var pubSub = new Option<string?>("--dapr-pubsub")
        {
            Description = "Subscribe through a Dapr sidecar to this pub/sub component instead of reading /events; the sidecar must be " +
                "started with --app-port equal to --app-port here. Its consumer group (consumerID) decides whether a restarted tail catches up.",
        };
        var topic = new Option<string>("--topic") { Description = "With --dapr-pubsub: the topic.", DefaultValueFactory = _ => "ironlb.events.v1" };
        var appPort = new Option<int>("--app-port") { Description = "With --dapr-pubsub: the loopback port the sidecar delivers to.", DefaultValueFactory = _ => 7480 };
        var command = new Command(
            "events",
            "Tail IronLB's public events (docs/events.md): Service addresses, allocation failures, Layer 2 owners, BGP announcements and " +
            "sessions, BFD, configuration. Reads a running instance's /events (single host or any ipam, election or bgp service), sending " +
            "APP_API_TOKEN when set, or subscribes through a Dapr sidecar with --dapr-pubsub. Ctrl-C stops it.")
        {
            json,
            endpoint,
            replay,
            count,
            pubSub,
            topic,
            appPort,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(count) is < 1)
            {
                result.AddError("--count must be at least 1");
            }

            if (result.GetValue(appPort) is < 1 or > 65535)
            {
                result.AddError("--app-port must be a port number");
            }
        });
        command.SetAction((result, cancellationToken) =>
        {
            var printer = new Printer(result.GetValue(json), result.GetValue(count), Console.Out);
            var token = Environment.GetEnvironmentVariable("APP_API_TOKEN");
            return result.GetValue(pubSub) is { Length: > 0 } component
                ? RunDaprAsync(result.GetValue(appPort), component, result.GetValue(topic)!, token, printer, cancellationToken)
                : RunHttpAsync(result.GetValue(endpoint)!, token, result.GetValue(replay), printer, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunHttpAsync(Uri endpoint, string? token, bool replay, Printer printer, CancellationToken cancellationToken)
    {
        var error = await HttpEventTail.RunAsync(endpoint, token, replay, printer.Print, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            await Console.Error.WriteLineAsync("ironlb events: " + error).ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    private static async Task<int> RunDaprAsync(int appPort, string pubSub, string topic, string? token, Printer printer, CancellationToken cancellationToken)
    {
        await DaprEventTail.RunAsync(appPort, pubSub, topic, token, printer.Print, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Prints events in the chosen form; false once the count is reached.</summary>
    internal sealed class Printer(bool json, int? count, TextWriter output)
    {
        private int _printed;

        public bool Print(JsonElement cloudEvent)
        {
            output.WriteLine(json ? JsonSerializer.Serialize(cloudEvent) : EventLine.Render(cloudEvent));
            output.Flush();
            return count is not { } limit || ++_printed < limit;
        }
    }
}
