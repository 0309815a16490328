using System.Text.Json;
using IronLb.Bench;

// Every IBenchmark in this assembly is a benchmark; `bench/run` lists them, `bench/run NAME` runs one.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: bench/run NAME [ARGS...]   (never part of CI; the last line printed is one JSON object)");
    Console.WriteLine();
    foreach (var b in benchmarks)
    {
        Console.WriteLine($"  {b.Name,-10} {b.Description}");
    }

    return 0;
}

var selected = benchmarks.FirstOrDefault(b => b.Name == args[0]);
if (selected is null)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; run bench/run to list them");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var figures = await selected.RunAsync(args[1..], cts.Token);
Console.WriteLine(JsonSerializer.Serialize(figures));
return 0;
