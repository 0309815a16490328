using CsCheck;
using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

public class AllocationSolverPropertyTests
{
    private static readonly IpAddressPool[] CandidatePools =
    [
        Pool("a", ["192.0.2.0/29"]),
        Pool("b", ["198.51.100.254-198.51.100.255", "198.51.100.0-198.51.100.1", "2001:db8::/126"], avoidBuggyIps: true),
        Pool("c", ["203.0.113.0/30"], autoAssign: false),
        Pool("d", ["2001:db8:1::/127", "203.0.113.8/31"], serviceAllocation: new ServiceAllocation { Priority = 1, Namespaces = ValueList.Create(["ns1"]) }),
        Pool("e", ["192.0.2.64/30"], serviceAllocation: new ServiceAllocation { ServiceSelectors = ValueList.Create([Selector(("tier", "gold"))]) }),
    ];

    private static readonly string?[] Requests = [null, null, null, "192.0.2.3", "198.51.100.255", "203.0.113.1", "2001:db8::2", "203.0.113.200"];
    private static readonly string?[] PoolNames = [null, null, null, "a", "c", "d", "missing"];
    private static readonly string?[] SharingKeys = [null, null, "k1", "k2"];
    private static readonly (string? Policy, string[] Families)[] FamilyChoices =
    [
        (null, []), (null, ["IPv6"]), ("PreferDualStack", ["IPv4", "IPv6"]), ("RequireDualStack", ["IPv6", "IPv4"]),
    ];

    private static readonly Gen<Service> GenService =
        Gen.Select(Gen.Int[0, 11], Gen.Int[0, Requests.Length - 1], Gen.Int[0, PoolNames.Length - 1], Gen.Int[0, SharingKeys.Length - 1])
            .Select(Gen.Int[0, FamilyChoices.Length - 1], Gen.Int[0, 2], Gen.Bool, Gen.Bool, (t, family, port, local, gold) =>
            {
                var (n, request, pool, sharing) = t;
                var annotations = new List<(string, string)>();
                if (PoolNames[pool] is { } p)
                {
                    annotations.Add(("metallb.io/address-pool", p));
                }

                if (SharingKeys[sharing] is { } k)
                {
                    annotations.Add(("metallb.io/allow-shared-ip", k));
                }

                var (policy, families) = FamilyChoices[family];
                var requested = Requests[request];
                return LoadBalancer(
                    $"ns{n % 2}",
                    $"s{n}",
                    loadBalancerIp: requested is not null && families.Length == 0 ? requested : null,
                    annotations: [.. annotations],
                    labels: gold ? [("tier", "gold")] : [],
                    policy: policy,
                    families: families,
                    ports: [("TCP", 80 + port)],
                    trafficPolicy: local ? "Local" : "Cluster",
                    selector: [("app", local && n % 3 == 0 ? "x" : "y")]);
            });

    /// <summary>One step: add or replace a Service, delete one, or switch to another subset of pools.</summary>
    private static readonly Gen<(int Kind, Service Service, int Delete, int PoolMask)> GenStep =
        Gen.Select(Gen.Int[0, 3], GenService, Gen.Int[0, 11], Gen.Int[1, 31]);

    [Fact]
    public void Solve_RandomAddDeleteAndConfigChanges_KeepsInvariants()
    {
        GenStep.Array[1, 40].Sample(steps =>
        {
            var services = new Dictionary<string, Service>();
            var poolMask = 31;
            var held = new Dictionary<ServiceKey, AddressAssignment>();
            AddressAllocator? previous = null;
            var previousServices = new Dictionary<string, Service>();
            foreach (var (kind, service, delete, mask) in steps)
            {
                var poolsBefore = poolMask;
                switch (kind)
                {
                    case 0 or 1:
                        services[service.Name] = service;
                        break;
                    case 2:
                        services.Remove($"s{delete}");
                        break;
                    default:
                        poolMask = mask;
                        break;
                }

                var config = new ClusterConfiguration
                {
                    IpAddressPools = ValueList.Create([.. CandidatePools.Where((_, i) => (poolMask & (1 << i)) != 0)]),
                    Services = ValueList.Create([.. services.Values.OrderBy(s => s.Name, StringComparer.Ordinal)]),
                };

                var solution = AllocationSolver.Solve(config, held, null);
                var again = AllocationSolver.Solve(config, held, null);
                Assert.Equal(PlanFormatter.ToJson(solution.Plans), PlanFormatter.ToJson(again.Plans));

                CheckSharingAndPools(config, solution.Allocator);
                CheckNothingLost(config, previousServices, previous, solution, poolsBefore != poolMask);
                Assert.All(solution.Plans, p => Assert.True(p.Error is null == p.Addresses.Count > 0));

                held = solution.Allocator.Assignments.ToDictionary(a => a.Service);
                previous = solution.Allocator;
                previousServices = new Dictionary<string, Service>(services);
            }
        }, iter: 400);
    }

    /// <summary>Every address lies in its pool, and Services on one address may share it.</summary>
    private static void CheckSharingAndPools(ClusterConfiguration config, AddressAllocator allocator)
    {
        var pools = config.IpAddressPools.ToDictionary(p => p.Name, p => new PoolAddressSpace(p.Spec.Addresses.Select(AddressRange.Parse), p.Spec.AvoidBuggyIps));
        foreach (var assignment in allocator.Assignments)
        {
            Assert.All(assignment.Addresses, a => Assert.True(pools[assignment.Pool].Contains(a), $"{a} of {assignment.Service} is outside pool {assignment.Pool}"));
            Assert.Equal(assignment.Addresses.Count, assignment.Addresses.Select(a => a.Family).Distinct().Count());
            foreach (var address in assignment.Addresses)
            {
                foreach (var other in allocator.UsersOf(address).Where(u => u != assignment.Service))
                {
                    allocator.TryGet(other, out var peer);
                    Assert.NotNull(assignment.SharingKey);
                    Assert.Equal(assignment.SharingKey, peer!.SharingKey);
                    Assert.Equal(assignment.BackendKey, peer.BackendKey);
                    Assert.Empty(assignment.Ports.Intersect(peer.Ports));
                    Assert.Equal(assignment.Pool, peer.Pool);
                }
            }
        }
    }

    /// <summary>
    /// A Service whose spec is unchanged keeps what it held: always when only Services changed, and after a
    /// pool change whenever its pool is still configured (a PreferDualStack Service may gain its second family).
    /// </summary>
    private static void CheckNothingLost(ClusterConfiguration config, Dictionary<string, Service> previousServices, AddressAllocator? previous, AllocationSolver.Solution solution, bool poolsChanged)
    {
        var current = solution.Allocator;
        if (previous is null)
        {
            return;
        }

        foreach (var before in previous.Assignments)
        {
            var service = config.Services.FirstOrDefault(s => s.Name == before.Service.Name && s.Namespace == before.Service.Namespace);
            if (service is null || !Equals(service, previousServices.GetValueOrDefault(service.Name)))
            {
                continue;
            }

            if (poolsChanged && !config.IpAddressPools.Any(p => p.Name == before.Pool))
            {
                continue;
            }

            if (!current.TryGet(before.Service, out var after))
            {
                var error = solution.Plans.First(p => p.Name == before.Service.Name && p.Namespace == before.Service.Namespace).Error;
                Assert.Fail($"{before.Service} lost {before.Pool} [{string.Join(",", before.Addresses)}]: {error}");
            }
            Assert.Equal(before.Pool, after!.Pool);
            Assert.Empty(before.Addresses.Except(after.Addresses));
        }
    }
}
