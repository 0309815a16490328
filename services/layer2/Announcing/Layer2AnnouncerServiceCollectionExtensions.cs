using IronLb.Layer2.Capture;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IronLb.Layer2.Announcing;

/// <summary>Registers the Layer 2 announcer and its libpcap link layer with a host.</summary>
internal static class Layer2AnnouncerServiceCollectionExtensions
{
    /// <summary>Adds <see cref="Layer2Announcer"/> as a singleton and hosted service, with options bound from
    /// <paramref name="section"/> and validated at start. Feed it through <see cref="Layer2Announcer.ApplyOwnership"/>.</summary>
    public static IServiceCollection AddLayer2Announcer(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<Layer2AnnouncerOptions>()
            .Bind(section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Layer2AnnouncerOptions>, Layer2AnnouncerOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILinkLayer, PcapLinkLayer>();
        services.TryAddSingleton<Layer2Metrics>();
        services.TryAddSingleton<Layer2Announcer>();
        services.AddHostedService(sp => sp.GetRequiredService<Layer2Announcer>());
        return services;
    }
}

/// <summary>Turns <see cref="Layer2AnnouncerOptions.Validate"/> into an options validation failure at host start.</summary>
internal sealed class Layer2AnnouncerOptionsValidator : IValidateOptions<Layer2AnnouncerOptions>
{
    public ValidateOptionsResult Validate(string? name, Layer2AnnouncerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
