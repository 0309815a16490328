using Dapr.Client;
using IronLb.Core.State;
using IronLb.Testing;
using Microsoft.Extensions.Options;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>The state contract against <see cref="DaprStateStore"/>: real Dapr.Client over gRPC, the local sidecar, a real Redis.</summary>
[Trait("Category", "Sidecar")]
public sealed class DaprStateStoreContractTests(DaprStateHarness harness)
    : StateStoreContract(harness), IClassFixture<DaprStateHarness>;

/// <summary>One Redis and one sidecar; a restart replaces the sidecar process and the client, Redis keeps the data.</summary>
public sealed class DaprStateHarness : IStateStoreHarness, IAsyncLifetime
{
    private RedisServer? _redis;
    private string? _resources;
    private SidecarProcess? _sidecar;
    private DaprClient? _client;

    public IStateStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            _redis = await RedisServer.StartAsync();
            _resources = DaprResources.Write(_redis, "{appID}");
            await StartSidecarAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task RestartAsync()
    {
        await StopSidecarAsync();
        await StartSidecarAsync();
    }

    public async Task DisposeAsync()
    {
        await StopSidecarAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
            _redis = null;
        }

        if (_resources is not null)
        {
            Directory.Delete(_resources, recursive: true);
            _resources = null;
        }
    }

    private async Task StartSidecarAsync()
    {
        _sidecar = await SidecarProcess.StartAsync("state-contract", "state-contract-0", _redis!, _resources!);
        _client = new DaprClientBuilder().UseGrpcEndpoint(_sidecar.GrpcEndpoint).UseHttpEndpoint(_sidecar.HttpEndpoint).Build();
        Store = new DaprStateStore(_client, Options.Create(new DaprMessagingOptions()));
    }

    private async Task StopSidecarAsync()
    {
        _client?.Dispose();
        _client = null;
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
            _sidecar = null;
        }
    }
}
