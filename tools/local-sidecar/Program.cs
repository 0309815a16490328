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

await using var app = SidecarApplication.Build(options);
await app.StartAsync();
var endpoints = app.Services.GetRequiredService<SidecarEndpoints>();
Console.WriteLine($"ready grpc={endpoints.GrpcPort} http={endpoints.HttpPort}");
await app.WaitForShutdownAsync();
return 0;
