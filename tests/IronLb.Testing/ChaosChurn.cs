using System.Diagnostics;
using System.Globalization;

namespace IronLb.Testing;

/// <summary>
/// Creates and deletes Services in a manifests folder at a steady rate, one file per Service (the Service and an
/// EndpointSlice with a ready endpoint on one of the nodes), each written whole by a rename so ipam never reads half
/// of one. Keeps the population near a target: below it, every operation creates; at or above it, creates and deletes
/// alternate with deletes taking the oldest Service.
/// </summary>
public sealed class ChaosChurn(string folder, IReadOnlyList<string> nodes, int target) : IDisposable
{
    /// <summary>The namespace every churned Service lives in.</summary>
    public const string Namespace = "churn";

    private readonly Lock _gate = new();
    private readonly Queue<string> _alive = new();
    private readonly string _staging = Directory.CreateTempSubdirectory("ironlb-churn-").FullName;
    private int _next;
    private long _operations;

    /// <summary>Create and delete operations done so far.</summary>
    public long Operations => Interlocked.Read(ref _operations);

    /// <summary>Every Service that exists now, as "namespace/name".</summary>
    public IReadOnlySet<string> Alive
    {
        get
        {
            lock (_gate)
            {
                return _alive.Select(n => Namespace + "/" + n).ToHashSet(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Creates Services until the population reaches the target, without pause.</summary>
    public void Fill()
    {
        while (Count < target)
        {
            Create();
        }
    }

    /// <summary>
    /// Runs at <paramref name="perSecond"/> operations a second until <paramref name="cancellationToken"/> fires or
    /// <paramref name="limit"/> has passed; the pace is kept against a stopwatch, so slow file writes do not lower it.
    /// </summary>
    public async Task RunAsync(int perSecond, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        for (long done = 0; clock.Elapsed < limit && !cancellationToken.IsCancellationRequested; done++)
        {
            if (Count < target || done % 2 == 0)
            {
                Create();
            }
            else
            {
                Delete();
            }

            var due = interval * (done + 1) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private int Count
    {
        get
        {
            lock (_gate)
            {
                return _alive.Count;
            }
        }
    }

    private void Create()
    {
        var index = Interlocked.Increment(ref _next);
        var name = "svc-" + index.ToString("D5", CultureInfo.InvariantCulture);
        var node = nodes[index % nodes.Count];
        var staged = Path.Combine(_staging, name + ".yaml");
        File.WriteAllText(staged, $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: {{name}}, namespace: {{Namespace}} }
            spec:
              type: LoadBalancer
              ipFamilyPolicy: SingleStack
              ipFamilies: [IPv4]
              selector: {app: {{name}} }
              ports: [{name: http, port: 80, protocol: TCP}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: {{name}}-1, namespace: {{Namespace}}, labels: {kubernetes.io/service-name: {{name}} } }
            addressType: IPv4
            endpoints:
              - addresses: [192.0.2.{{10 + (index % 200)}}]
                conditions: {ready: true}
                nodeName: {{node}}

            """);
        File.Move(staged, Path.Combine(folder, name + ".yaml"));
        lock (_gate)
        {
            _alive.Enqueue(name);
        }

        Interlocked.Increment(ref _operations);
    }

    private void Delete()
    {
        string name;
        lock (_gate)
        {
            if (!_alive.TryDequeue(out name!))
            {
                return;
            }
        }

        File.Delete(Path.Combine(folder, name + ".yaml"));
        Interlocked.Increment(ref _operations);
    }

    /// <summary>Removes the staging folder; the Service files stay in the manifests folder, which its owner removes.</summary>
    public void Dispose() => Directory.Delete(_staging, recursive: true);
}
