using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>Builds an app the way a service does (AddDaprMessaging, MapDaprSubscriptions), on a loopback port.</summary>
internal static class DaprMemberApp
{
    public static WebApplication Build(
        int appPort, int grpcPort, int httpPort, Action<IServiceCollection> configureServices, IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Url(appPort));
        var settings = new Dictionary<string, string?>
        {
            ["Dapr:GrpcEndpoint"] = Url(grpcPort),
            ["Dapr:HttpEndpoint"] = Url(httpPort),
            ["Dapr:SidecarWaitTimeout"] = "00:01:00",
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDaprMessaging(builder.Configuration);
        configureServices(builder.Services);
        var app = builder.Build();
        app.MapDaprSubscriptions();
        return app;
    }

    public static string Url(int port) => "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
}
