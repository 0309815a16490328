using System.Text.Json;
using Dapr;
using DnsHosts;

// dns-hosts: subscribes to IronLB's public events through its Dapr sidecar and keeps a hosts-format file of
// NAME.NAMESPACE -> address. Settings (environment DnsHosts__X or arguments --DnsHosts:X=...):
//   File       the hosts file to keep (required)
//   PubSub     the pub/sub component (default ironlb-events)
//   Topic      the topic (default ironlb.events.v1)
//   StatusUrl  an IronLB /status to resynchronise from at start and after a gap (optional)
var builder = WebApplication.CreateBuilder(args);
var settings = builder.Configuration.GetSection("DnsHosts");
var file = new HostsFile(settings["File"] ?? throw new InvalidOperationException("DnsHosts:File is required"));
var pubSub = settings["PubSub"] ?? "ironlb-events";
var topic = settings["Topic"] ?? "ironlb.events.v1";
var statusUrl = settings["StatusUrl"] is { Length: > 0 } url ? new Uri(url) : null;

var app = builder.Build();
var log = app.Logger;
var table = file.Load();
var gate = new SemaphoreSlim(1, 1);
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

async Task ResyncAsync(CancellationToken cancellationToken)
{
    if (statusUrl is null)
    {
        return;
    }

    using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri(statusUrl, "/status"), cancellationToken));
    table.Resync(status.RootElement);
    file.Save(table);
    log.LogInformation("Resynchronised from {Status}", statusUrl);
}

await ResyncAsync(CancellationToken.None);
file.Save(table);

// No UseCloudEvents: the handler wants the whole envelope (subject, id), not only its data.
app.MapSubscribeHandler();
app.MapPost("/ironlb-events", async (HttpContext context) =>
{
    using var cloudEvent = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
    await gate.WaitAsync(context.RequestAborted);
    try
    {
        var applied = table.Apply(cloudEvent.RootElement);
        if (applied is Applied.Changed or Applied.Gap)
        {
            file.Save(table);
        }

        log.LogInformation("{Id}: {Applied}", cloudEvent.RootElement.GetProperty("id").GetString(), applied);
        if (applied == Applied.Gap)
        {
            await ResyncAsync(context.RequestAborted);
        }
    }
    finally
    {
        gate.Release();
    }

    // SUCCESS only once the file is written: if this process dies first, the sidecar delivers the event again.
    return Results.Json(new { status = "SUCCESS" });
}).WithTopic(pubSub, topic);

app.Run();
