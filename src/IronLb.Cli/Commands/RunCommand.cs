using System.CommandLine;
using System.Net;
using IronLb.Bgp;
using IronLb.Core.Messaging;
using IronLb.Core.SharedConfiguration;
using IronLb.Core.State;
using IronLb.Dapr;
using IronLb.Election;
using IronLb.Ipam;
using IronLb.Layer2;
using IronLb.ServiceDefaults;

namespace IronLb.Cli.Commands;

/// <summary>`ironlb run`: all four services in one process, on the in-process bus and the file-backed state store.</summary>
internal static class RunCommand
{
    public const string DefaultListen = "127.0.0.1:7472";

    public static Command Create()
    {
        var config = new Option<DirectoryInfo>("--config") { Description = "Folder of MetalLB manifests; reloaded when it changes.", Required = true };
        var node = new Option<string>("--node") { Description = "This node's name, as Node objects and nodeSelectors know it.", Required = true };
        var state = new Option<DirectoryInfo>("--state")
        {
            Description = "Folder of the durable state store (allocations survive restarts) and of the BGP graceful-restart marker (bgp/). " +
                "Created with mode 0700; an existing folder that group or others may access is refused. It never holds a BGP password.",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Environment.CurrentDirectory, ".state")),
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Allocate, elect and report, but send and answer nothing on the network (no BGP sessions, no ARP/NDP)." };
        var listen = new Option<string>("--listen") { Description = "ADDR:PORT serving /healthz, /readyz, /metrics, /status and /events.", DefaultValueFactory = _ => DefaultListen };
        var eventsPubSub = new Option<string?>("--events-pubsub")
        {
            Description = "Also publish the public events (docs/events.md) to this Dapr pub/sub component, through the sidecar that " +
                "DAPR_GRPC_ENDPOINT or DAPR_GRPC_PORT names. Without it they are served only on /events.",
        };
        var eventsTopic = new Option<string>("--events-topic") { Description = "The topic of the public events.", DefaultValueFactory = _ => "ironlb.events.v1" };
        var command = new Command("run", "Run IPAM, election, BGP and Layer 2 in one process, configured by a folder of MetalLB manifests. SIGTERM stops it cleanly.")
        {
            config,
            node,
            state,
            listen,
            dryRun,
            eventsPubSub,
            eventsTopic,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(config) is { Exists: false } folder)
            {
                result.AddError($"--config: {folder.FullName}: no such folder");
            }

            if (result.GetValue(listen) is { } endpoint && !IPEndPoint.TryParse(endpoint, out _))
            {
                result.AddError($"--listen: '{endpoint}' is not ADDR:PORT");
            }
        });
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(config)!, result.GetValue(node)!, result.GetValue(state)!, IPEndPoint.Parse(result.GetValue(listen)!), result.GetValue(dryRun),
            new EventsSettings(result.GetValue(eventsPubSub), result.GetValue(eventsTopic)!), cancellationToken));
        return command;
    }

    /// <summary>Where `ironlb run` sends its public events besides /events.</summary>
    /// <param name="PubSub">The Dapr pub/sub component to forward them to, or null.</param>
    /// <param name="Topic">Their topic.</param>
    internal sealed record EventsSettings(string? PubSub, string Topic);

    internal static WebApplication Build(DirectoryInfo config, string node, DirectoryInfo state, IPEndPoint listen, bool dryRun, EventsSettings? events = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ipam:ConfigDirectory"] = config.FullName,
            ["Node:Name"] = node,
            ["Ipam:ImplicitNode"] = node,
            ["Layer2:Announce"] = dryRun ? "false" : "true",
            ["Bgp:Announce"] = dryRun ? "false" : "true",

            // One host, one state folder: the graceful-restart marker lives beside the allocations, not in /var/lib.
            ["Bgp:StateDirectory"] = Path.Combine(state.FullName, "bgp"),
            ["Events:PubSub"] = events?.PubSub,
            ["Events:Topic"] = events?.Topic ?? "ironlb.events.v1",
        });

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen));
        builder.AddServiceDefaults();

        // One process: ipam hands BGP passwords to bgp in memory; the state folder never sees them.
        builder.Services.AddInMemoryPeerPasswords();
        builder.Services.AddInProcessMessaging(state.FullName);
        if (!string.IsNullOrEmpty(events?.PubSub))
        {
            // Only the public events leave the process; state and doorbells stay on the in-process bus and the state folder.
            builder.Services.AddDaprEventTransport();
        }

        builder.AddIpam();
        builder.AddElection();
        builder.AddBgp();
        builder.AddLayer2();
        var app = builder.Build();
        app.MapServiceDefaults();
        return app;
    }

    private static async Task<int> RunAsync(
        DirectoryInfo config, string node, DirectoryInfo state, IPEndPoint listen, bool dryRun, EventsSettings events, CancellationToken cancellationToken)
    {
        try
        {
            FileStateStorePermissions.EnsurePrivateDirectory(state.FullName);
        }
        catch (UnauthorizedAccessException exception)
        {
            await Console.Error.WriteLineAsync($"--state: {exception.Message}").ConfigureAwait(false);
            return 1;
        }

        await using var app = Build(config, node, state, listen, dryRun, events);
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
