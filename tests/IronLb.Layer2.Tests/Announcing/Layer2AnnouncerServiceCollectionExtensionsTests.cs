using IronLb.Layer2.Announcing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IronLb.Layer2.Tests.Announcing;

public class Layer2AnnouncerServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLayer2Announcer_BoundSection_HostedServiceIsTheAnnouncerWithThoseOptions()
    {
        using var provider = Build(new() { ["GratuitousCount"] = "7" });

        var announcer = provider.GetRequiredService<Layer2Announcer>();

        Assert.Same(announcer, provider.GetServices<IHostedService>().Single());
        Assert.Equal(7, provider.GetRequiredService<IOptions<Layer2AnnouncerOptions>>().Value.GratuitousCount);
    }

    [Theory]
    [InlineData("GratuitousInterval", "00:00:00")]
    [InlineData("InterfaceRefreshInterval", "00:00:00.010")]
    public void AddLayer2Announcer_InvalidOptions_FailsValidation(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Layer2AnnouncerOptions>>().Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ILinkLayer>(new FakeLinkLayer());
        services.AddLayer2Announcer(configuration);
        return services.BuildServiceProvider();
    }
}
