using IronLb.LocalSidecar.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

SidecarOptions? options;
try
{
    options = CommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"{e.Message}\n{CommandLine.Usage}");
    return 2;
}

if (options is null)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

Microsoft.AspNetCore.Builder.WebApplication app;
try
{
    app = SidecarApplication.Build(options);
    await app.StartAsync();
}
catch (Exception e) when (e is IOException or InvalidDataException or YamlDotNet.Core.YamlException or FormatException or ArgumentException)
{
    // A bad component file or a port in use: say which, without a stack trace, and fail.
    await Console.Error.WriteLineAsync($"ironlb-local-sidecar: {e.Message}");
    return 1;
}

await using var running = app;
var endpoints = app.Services.GetRequiredService<SidecarEndpoints>();
Console.WriteLine($"ready grpc={endpoints.GrpcPort} http={endpoints.HttpPort}");
await app.WaitForShutdownAsync();
return 0;
