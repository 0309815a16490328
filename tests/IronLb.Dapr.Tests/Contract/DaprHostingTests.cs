using System.Net;
using Dapr;
using Dapr.Client;
using IronLb.Core.Messaging;
using IronLb.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>What the Dapr wiring does around the contract: tokens both ways, options checked at start, the sidecar wait.</summary>
[Trait("Category", "Sidecar")]
public sealed class DaprHostingTests
{
    private const string Topic = "hosting.secured";

    [Fact]
    public async Task MapDaprSubscriptions_BothApiTokensSet_DeliversOnlyWithTokensAndKeepsHealthOpen()
    {
        const string daprToken = "sidecar-secret";
        const string appToken = "app-secret";
        await using var redis = await RedisServer.StartAsync();
        var resources = DaprResources.Write(redis, "{appID}");
        try
        {
            var (appPort, grpcPort, httpPort) = (LoopbackPorts.Next(), LoopbackPorts.Next(), LoopbackPorts.Next());
            var handler = new FirstEventHandler();
            await using var app = DaprMemberApp.Build(
                appPort,
                grpcPort,
                httpPort,
                services => services.AddTopicSubscription<FirstEventHandler>(Topic).AddSingleton(handler),
                new Dictionary<string, string?> { ["Dapr:DaprApiToken"] = daprToken, ["Dapr:AppApiToken"] = appToken });
            var appStarted = app.StartAsync();
            await using var sidecar = await SidecarProcess.StartAsync(
                "secured", "secured-0", redis, resources, appPort, grpcPort, httpPort,
                new Dictionary<string, string> { ["DAPR_API_TOKEN"] = daprToken, ["APP_API_TOKEN"] = appToken });
            await appStarted;
            await sidecar.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));

            using var withToken = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).UseDaprApiToken(daprToken).Build();
            using var withoutToken = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).UseDaprApiToken(string.Empty).Build();
            using var http = new HttpClient { BaseAddress = new Uri(DaprMemberApp.Url(appPort)) };

            await Assert.ThrowsAsync<DaprException>(() => new DaprEventPublisher(withoutToken, Options.Create(new DaprMessagingOptions())).PublishAsync(Topic, "{}"u8.ToArray()));
            await new DaprEventPublisher(withToken, Options.Create(new DaprMessagingOptions())).PublishAsync(Topic, """{"secured":true}"""u8.ToArray());
            var received = await handler.Received.Task.WaitAsync(TimeSpan.FromSeconds(30));
            using var unauthenticated = await http.PostAsync(new Uri("events/" + Topic, UriKind.Relative), new StringContent("{}"));
            using var health = await http.GetAsync(new Uri("healthz", UriKind.Relative));

            Assert.Equal("""{"secured":true}""", System.Text.Encoding.UTF8.GetString(received.Data.Span));
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
            Assert.NotEqual(HttpStatusCode.Unauthorized, health.StatusCode);
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(resources, recursive: true);
        }
    }

    [Fact]
    public async Task AddDaprMessaging_InvalidOptions_FailsAtStart()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = DaprMemberApp.Build(
                LoopbackPorts.Next(), LoopbackPorts.Next(), LoopbackPorts.Next(), _ => { }, new Dictionary<string, string?> { ["Dapr:PubSubName"] = " " });
            await app.StartAsync();
        });
    }

    [Fact]
    public async Task AddDaprMessaging_NoSidecarWithinTimeout_FailsAtStart()
    {
        // Nothing listens on these ports, so the sidecar never answers.
        await using var app = DaprMemberApp.Build(
            LoopbackPorts.Next(), LoopbackPorts.Next(), LoopbackPorts.Next(), _ => { }, new Dictionary<string, string?> { ["Dapr:SidecarWaitTimeout"] = "00:00:01" });

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => app.StartAsync());
    }

    [Fact]
    public void MapDaprSubscriptions_TwoHandlersOnOneTopic_Refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DaprMemberApp.Build(
            LoopbackPorts.Next(), LoopbackPorts.Next(), LoopbackPorts.Next(), services => services
                .AddTopicSubscription<FirstEventHandler>(Topic)
                .AddTopicSubscription<FirstEventHandler>(Topic)));

        Assert.Contains(Topic, error.Message, StringComparison.Ordinal);
    }

    private sealed class FirstEventHandler : ITopicHandler
    {
        public TaskCompletionSource<EventEnvelope> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            Received.TrySetResult(envelope);
            return Task.FromResult(DeliveryResult.Success);
        }
    }
}
