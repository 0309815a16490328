using System.Globalization;
using IronLb.Cli.Commands;
using IronLb.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IronLb.Cli.Tests.Commands;

/// <summary>`ironlb status` against a service that wants the app API token on /status, as a Dapr app with APP_API_TOKEN does.</summary>
public sealed class StatusCommandTokenTests
{
    private const string Token = "status-token";

    private static async Task<WebApplication> StartGuardedStatusAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        var app = builder.Build();
        app.MapGet("/status", (HttpContext context) => context.Request.Headers["dapr-api-token"] == Token
            ? Results.Text("""{"config":{"version":1}}""", "application/json")
            : Results.StatusCode(StatusCodes.Status401Unauthorized));
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task FetchAsync_WithToken_ReadsStatus()
    {
        var port = LoopbackPorts.Next();
        await using var app = await StartGuardedStatusAsync(port);

        var (body, error) = await StatusCommand.FetchAsync(new Uri($"http://127.0.0.1:{port}"), Token, CancellationToken.None);

        Assert.Null(error);
        Assert.Equal("""{"config":{"version":1}}""", body);
    }

    [Fact]
    public async Task FetchAsync_WithoutToken_SaysToSetAppApiToken()
    {
        var port = LoopbackPorts.Next();
        await using var app = await StartGuardedStatusAsync(port);

        var (body, error) = await StatusCommand.FetchAsync(new Uri($"http://127.0.0.1:{port}"), appApiToken: null, CancellationToken.None);

        Assert.Null(body);
        Assert.Contains("APP_API_TOKEN", error, StringComparison.Ordinal);
    }
}
