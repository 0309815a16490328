using System.Net;
using IronLb.LocalSidecar.Api;
using IronLb.LocalSidecar.Components;
using IronLb.LocalSidecar.PubSub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronLb.LocalSidecar.Hosting;

/// <summary>Builds the sidecar host: the gRPC listener (HTTP/2 cleartext, as Dapr.Client dials it), the HTTP
/// listener, the components and the subscription consumers. Program.cs and in-process tests both use it.</summary>
internal static class SidecarApplication
{
    public static WebApplication Build(SidecarOptions options, Action<ILoggingBuilder>? configureLogging = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var endpoints = new SidecarEndpoints();
        var address = IPAddress.Parse(options.ListenAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                endpoints.Grpc = listen;
            });
            kestrel.Listen(address, options.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                endpoints.Http = listen;
            });
        });

        builder.Logging.ClearProviders();
        if (configureLogging is null)
        {
            // stdout carries only the "ready" line a launcher waits for; logs go to stderr.
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        var instance = new SidecarInstance(options);
        var loader = new ResourceLoader(options.AppId, options.PodName, options.Namespace, instance.Id);
        var components = options.ResourcesPath is { } path ? loader.Load(path) : loader.Defaults(options.Redis);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton(instance);
        builder.Services.AddSingleton(components);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<RedisConnections>();
        builder.Services.AddSingleton<RedisStreamPublisher>();
        builder.Services.AddSingleton<AppChannelState>();
        builder.Services.AddSingleton(sp => new AppChannel(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan },
            options,
            sp.GetRequiredService<ILogger<AppChannel>>()));
        builder.Services.AddHostedService<SubscriptionHost>();
        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<ApiTokenInterceptor>());

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SidecarApplication));
        foreach (var component in components.Unsupported)
        {
            StartupLog.UnsupportedComponent(log, component);
        }

        app.UseApiToken(options);
        app.MapGrpcService<DaprRuntimeService>();
        app.MapHttpApi();
        return app;
    }
}

/// <summary>Log messages written while the host is built.</summary>
internal static partial class StartupLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Component {Component} is not served by the local sidecar; calls naming it fail")]
    public static partial void UnsupportedComponent(ILogger logger, string component);
}

/// <summary>The two listeners, so the ports actually bound (also for port 0) can be reported once started.</summary>
internal sealed class SidecarEndpoints
{
    public ListenOptions? Grpc { get; set; }

    public ListenOptions? Http { get; set; }

    public int GrpcPort => Grpc?.IPEndPoint?.Port ?? 0;

    public int HttpPort => Http?.IPEndPoint?.Port ?? 0;
}
